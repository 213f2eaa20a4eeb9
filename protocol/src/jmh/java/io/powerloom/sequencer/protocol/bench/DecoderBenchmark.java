package io.powerloom.sequencer.protocol.bench;

import io.powerloom.sequencer.protocol.wire.CollectStreamDecoder;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import io.powerloom.sequencer.protocol.wire.WireFormatException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * /collect framing throughput on one core: 1000 realistic ~500-byte messages per invocation, read in
 * 4 KiB chunks (score = frames/s), and Go-JSON parsing of one framed submission.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class DecoderBenchmark {

    static final int MESSAGES = 1000;
    private byte[] stream;
    private byte[] oneJson;

    @Setup
    public void setup() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int k = 0; k < MESSAGES; k++) {
            String json = "{\"request\":{\"slotId\":" + (k + 1) + ",\"deadline\":18000123,"
                    + "\"snapshotCid\":\"bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku\",\"epochId\":"
                    + (100000 + k) + ",\"projectId\":\"aggregate_pairContract_24h_trade_volume:"
                    + "0x8ef79d6c328035d7e9d5b1f4d4c4de4a6e1e4ead:UNISWAPV2\"},\"signature\":\""
                    + "6bfb2b1e8b9f31983eb6091d79a4b0a4f6eb8d23f399456ed71d764e05396a7453fa6c13ed8f8a4e120a87f507d263b0"
                    + "a23a50318f04e0dc6777e7a3c851a8951b\",\"header\":\"0x9ab2a3f25bc7a1ebca01d5b4006a8140b9d638bf45835"
                    + "8da7a0619a2172d75c6\",\"dataMarket\":\"0x21cb57c1f2352ad215a463dd867b838749cd3b8f\","
                    + "\"nodeVersion\":\"v2.5.0\"}";
            oneJson = json.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(UUID.nameUUIDFromBytes(new byte[] {(byte) k, (byte) (k >> 8)}).toString()
                    .getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(oneJson);
        }
        stream = out.toByteArray();
    }

    /** Average message length (UUID + JSON), for the report. */
    public int averageMessageBytes() {
        return stream.length / MESSAGES;
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void frame4KiBReads(Blackhole bh) throws WireFormatException {
        CollectStreamDecoder d = new CollectStreamDecoder(64 * 1024);
        for (int off = 0; off < stream.length; off += 4096) {
            d.feed(ByteBuffer.wrap(stream, off, Math.min(4096, stream.length - off)), bh::consume);
        }
    }

    @Benchmark
    public Object parseGoJson() throws WireFormatException {
        return SubmissionCodec.fromGoJson(oneJson);
    }
}
