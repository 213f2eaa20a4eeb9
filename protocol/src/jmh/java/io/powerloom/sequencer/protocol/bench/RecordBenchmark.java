package io.powerloom.sequencer.protocol.bench;

import io.powerloom.sequencer.protocol.records.Heartbeat;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.RecordFormatException;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
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
 * Kafka submissions-topic records on one thread: decoding a ~750-byte submission envelope (the job's
 * source deserializer) and a heartbeat, and encoding the envelope (the bridge's producer).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class RecordBenchmark {

    /** The same ~480-byte submission as DecoderBenchmark's. */
    static final String SUBMISSION = "{\"request\":{\"slotId\":1234,\"deadline\":18000123,"
            + "\"snapshotCid\":\"bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku\",\"epochId\":"
            + "100000,\"projectId\":\"aggregate_pairContract_24h_trade_volume:"
            + "0x8ef79d6c328035d7e9d5b1f4d4c4de4a6e1e4ead:UNISWAPV2\"},\"signature\":\""
            + "6bfb2b1e8b9f31983eb6091d79a4b0a4f6eb8d23f399456ed71d764e05396a7453fa6c13ed8f8a4e120a87f507d263b0"
            + "a23a50318f04e0dc6777e7a3c851a8951b\",\"header\":\"0x9ab2a3f25bc7a1ebca01d5b4006a8140b9d638bf45835"
            + "8da7a0619a2172d75c6\",\"dataMarket\":\"0x21cb57c1f2352ad215a463dd867b838749cd3b8f\","
            + "\"nodeVersion\":\"v2.5.0\"}";

    private SubmissionEnvelope envelope;
    private byte[] envelopeBytes;
    private byte[] heartbeatBytes;

    @Setup
    public void setup() {
        envelope = new SubmissionEnvelope("0f8fad5b-d9cb-469f-a165-70867728950e",
                "12D3KooWEbGSmWaGNVBNpuwn7KBVg8ksHjKBw9ojWx5ZUDqrjuoy", 1732460000000L, "bridge-0", SUBMISSION);
        envelopeBytes = RecordCodec.encode(envelope);
        heartbeatBytes = RecordCodec.encode(new Heartbeat(1732460000123L, "bridge-0", 3, 17));
    }

    @Benchmark
    public Object decodeSubmissionEnvelope() throws RecordFormatException {
        return RecordCodec.decodeSubmissionTopic(envelopeBytes);
    }

    @Benchmark
    public Object decodeHeartbeat() throws RecordFormatException {
        return RecordCodec.decodeSubmissionTopic(heartbeatBytes);
    }

    @Benchmark
    public byte[] encodeSubmissionEnvelope() {
        return RecordCodec.encode(envelope);
    }
}
