package io.powerloom.sequencer.protocol.bench;

import io.powerloom.sequencer.protocol.json.JsonWriter;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import io.powerloom.sequencer.protocol.wire.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * JsonWriter string escaping on one thread: a ~480-byte submission JSON written as a string value
 * (many quotes to escape, as in batch documents and Kafka envelopes), a plain ASCII string of the same
 * length (nothing to escape), and a whole submission re-encoded as protojson and as Go JSON.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class JsonWriterBenchmark {

    private String plain;
    private SnapshotSubmission submission;

    @Setup
    public void setup() throws WireFormatException {
        plain = RecordBenchmark.SUBMISSION.replaceAll("[^A-Za-z0-9]", "x");
        submission = SubmissionCodec.fromGoJson(RecordBenchmark.SUBMISSION.getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public String stringWithQuotesMinimal() {
        return new JsonWriter(JsonWriter.Style.MINIMAL, 640).value(RecordBenchmark.SUBMISSION).toText();
    }

    @Benchmark
    public String stringWithQuotesGo() {
        return new JsonWriter(JsonWriter.Style.GO_ENCODING_JSON, 640).value(RecordBenchmark.SUBMISSION).toText();
    }

    @Benchmark
    public String plainStringMinimal() {
        return new JsonWriter(JsonWriter.Style.MINIMAL, 640).value(plain).toText();
    }

    /** A submission's protojson quoted for a batch document by the writer, from the string. */
    @Benchmark
    public byte[] quoteProtoJsonWithWriter() {
        String text = SubmissionCodec.toProtoJson(submission);
        return new JsonWriter(JsonWriter.Style.MINIMAL, text.length() + 64).value(text).toBytes();
    }

    /** The same through its UTF-8 bytes ({@link io.powerloom.sequencer.protocol.json.Utf8Json#quote}). */
    @Benchmark
    public byte[] quoteProtoJsonFromUtf8() {
        return io.powerloom.sequencer.protocol.json.Utf8Json.quote(
                SubmissionCodec.toProtoJson(submission).getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public String submissionToProtoJson() {
        return SubmissionCodec.toProtoJson(submission);
    }

    @Benchmark
    public byte[] submissionToGoJson() {
        return SubmissionCodec.toGoJson(submission);
    }
}
