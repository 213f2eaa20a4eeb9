package io.powerloom.sequencer.protocol.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordCodecTest {

    static final String DM = "0x" + "ab".repeat(20);
    static final String H1 = "0x" + "11".repeat(32);
    static final String H2 = "0x" + "22".repeat(32);

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void submissionEnvelopeExactBytesAndRoundTrip() throws Exception {
        String sub = "{\"request\":{\"slotId\":1,\"projectId\":\"a\\u003cb\"},\"signature\":\"ab\"}";
        SubmissionEnvelope e = new SubmissionEnvelope(
                "0f8fad5b-d9cb-469f-a165-70867728950e", "12D3KooWabc", 1732460000000L, "bridge-0", sub);
        byte[] enc = RecordCodec.encode(e);
        assertThat(text(enc))
                .isEqualTo("{\"v\":1,\"type\":\"submission\",\"submissionId\":"
                        + "\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"peerId\":\"12D3KooWabc\",\"receivedAtMs\":1732460000000,"
                        + "\"bridgeId\":\"bridge-0\",\"submission\":\"{\\\"request\\\":{\\\"slotId\\\":1,\\\"projectId\\\":"
                        + "\\\"a\\\\u003cb\\\"},\\\"signature\\\":\\\"ab\\\"}\"}");
        assertThat(RecordCodec.decodeSubmissionEnvelope(enc)).isEqualTo(e);
        assertThat(RecordCodec.decodeSubmissionTopic(enc)).isEqualTo(e);
        // the submission text survives byte for byte
        assertThat(RecordCodec.decodeSubmissionEnvelope(enc).submission()).isEqualTo(sub);
    }

    @Test
    void gossipsubEnvelopeCarriesOriginAndMessageIdAndRoundTrips() throws Exception {
        SubmissionEnvelope e = new SubmissionEnvelope(
                "0024ab/1",
                "12D3KooWfwd",
                1732460000000L,
                "bridge-0",
                "{}",
                SubmissionEnvelope.ORIGIN_GOSSIPSUB,
                "0024ab");
        byte[] enc = RecordCodec.encode(e);
        assertThat(text(enc)).endsWith(",\"submission\":\"{}\",\"origin\":\"gossipsub\",\"messageId\":\"0024ab\"}");
        assertThat(RecordCodec.decodeSubmissionEnvelope(enc)).isEqualTo(e);
        assertThat(RecordCodec.treeDecodeSubmissionEnvelope(enc)).isEqualTo(e);
        // a record without origin (every record written before) reads as /collect
        SubmissionEnvelope old = RecordCodec.decodeSubmissionEnvelope(
                bytes(
                        "{\"v\":1,\"type\":\"submission\","
                                + "\"submissionId\":\"x\",\"peerId\":\"p\",\"receivedAtMs\":1,\"bridgeId\":\"b\",\"submission\":\"{}\"}"));
        assertThat(old.origin()).isEqualTo(SubmissionEnvelope.ORIGIN_COLLECT);
        assertThat(old.messageId()).isNull();
        assertThatThrownBy(() ->
                        RecordCodec.decodeSubmissionEnvelope(bytes(text(enc).replace("gossipsub", "carrier-pigeon"))))
                .isInstanceOf(RecordFormatException.class);
    }

    @Test
    void heartbeatRoundTrip() throws Exception {
        Heartbeat h = new Heartbeat(1732460000123L, "bridge-1", 3, 17);
        byte[] enc = RecordCodec.encode(h);
        assertThat(text(enc))
                .isEqualTo("{\"v\":1,\"type\":\"heartbeat\",\"receivedAtMs\":1732460000123,"
                        + "\"bridgeId\":\"bridge-1\",\"partition\":3,\"sequence\":17}");
        assertThat(RecordCodec.decodeSubmissionTopic(enc)).isEqualTo(h);
        assertThat(RecordCodec.decodeHeartbeat(enc)).isEqualTo(h);
        assertThat(RecordCodec.encode((SubmissionTopicRecord) h)).isEqualTo(enc);
    }

    @Test
    void epochReleasedRoundTrip() throws Exception {
        EpochReleased e =
                new EpochReleased(DM, 42, 1000, 1009, 1732460000L, 555, H1, H2, 3, 120, 60, 1732460000999L, false);
        byte[] enc = RecordCodec.encode(e);
        assertThat(text(enc))
                .isEqualTo("{\"v\":1,\"type\":\"epochReleased\",\"dataMarket\":\"" + DM + "\","
                        + "\"epochId\":42,\"begin\":1000,\"end\":1009,\"chainTimestamp\":1732460000,\"blockNumber\":555,"
                        + "\"blockHash\":\"" + H1 + "\",\"txHash\":\"" + H2 + "\",\"logIndex\":3,"
                        + "\"snapshotSubmissionWindow\":120,\"batchSubmissionWindow\":60,\"observedAtMs\":1732460000999,"
                        + "\"removed\":false}");
        assertThat(RecordCodec.decodeChainTopic(enc)).isEqualTo(e);
        assertThat(RecordCodec.decodeEpochReleased(enc)).isEqualTo(e);
        EpochReleased removed = new EpochReleased(DM, -1L, 0, 0, 0, 0, H1, H2, 0, 0, 0, 0, true);
        assertThat(RecordCodec.decodeEpochReleased(RecordCodec.encode(removed))).isEqualTo(removed);
        assertThat(text(RecordCodec.encode(removed))).contains("\"epochId\":18446744073709551615");
    }

    @Test
    void dayStartedAndAccountingParameterRoundTrip() throws Exception {
        DayStarted d = new DayStarted(DM, 3, 41, 1732460000L, 555, H1, H2, 2, 1732460000999L, false);
        byte[] enc = RecordCodec.encode((ChainTopicRecord) d);
        assertThat(text(enc))
                .isEqualTo("{\"v\":1,\"type\":\"dayStarted\",\"dataMarket\":\"" + DM + "\","
                        + "\"dayId\":3,\"epochId\":41,\"chainTimestamp\":1732460000,\"blockNumber\":555,"
                        + "\"blockHash\":\"" + H1 + "\",\"txHash\":\"" + H2 + "\",\"logIndex\":2,"
                        + "\"observedAtMs\":1732460000999,\"removed\":false}");
        assertThat(RecordCodec.decodeChainTopic(enc)).isEqualTo(d);
        assertThat(RecordCodec.decodeChainTopic(RecordCodec.encode(d.retracted(7))))
                .isEqualTo(d.retracted(7));

        AccountingParameterUpdated q = new AccountingParameterUpdated(
                DM,
                AccountingParameterUpdated.Parameter.DAILY_SNAPSHOT_QUOTA,
                400,
                0,
                556,
                H1,
                H2,
                0,
                1732460001000L,
                false);
        byte[] qEnc = RecordCodec.encode((ChainTopicRecord) q);
        assertThat(text(qEnc))
                .isEqualTo("{\"v\":1,\"type\":\"accountingParameter\",\"dataMarket\":\"" + DM + "\","
                        + "\"parameter\":\"dailySnapshotQuota\",\"value\":400,\"epochsInADay\":0,\"blockNumber\":556,"
                        + "\"blockHash\":\"" + H1 + "\",\"txHash\":\"" + H2 + "\",\"logIndex\":0,"
                        + "\"observedAtMs\":1732460001000,\"removed\":false}");
        assertThat(RecordCodec.decodeChainTopic(qEnc)).isEqualTo(q);
        AccountingParameterUpdated size = new AccountingParameterUpdated(
                DM, AccountingParameterUpdated.Parameter.DAY_SIZE, 24_000_000, 20, 557, H1, H2, 1, 5, true);
        assertThat(RecordCodec.decodeChainTopic(RecordCodec.encode(size))).isEqualTo(size);

        String bad = text(qEnc).replace("dailySnapshotQuota", "rewardPool");
        assertThatThrownBy(() -> RecordCodec.decodeChainTopic(bad.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("rewardPool");
        String noDay = text(enc).replace("\"dayId\":3,", "");
        assertThatThrownBy(() -> RecordCodec.decodeChainTopic(noDay.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("dayId");
    }

    @Test
    void chainBlockAndSlotRoundTrip() throws Exception {
        ChainBlock b = new ChainBlock(123, H1, 1732460000L, 1732460000500L);
        assertThat(text(RecordCodec.encode(b)))
                .isEqualTo("{\"v\":1,\"type\":\"block\",\"number\":123,\"hash\":\"" + H1
                        + "\",\"timestamp\":1732460000,\"observedAtMs\":1732460000500}");
        assertThat(RecordCodec.decodeChainTopic(RecordCodec.encode(b))).isEqualTo(b);
        assertThat(RecordCodec.decodeChainBlock(RecordCodec.encode((ChainTopicRecord) b)))
                .isEqualTo(b);
        SlotAssignment s = new SlotAssignment(7, DM, true, 99, 1000);
        assertThat(text(RecordCodec.encode(s)))
                .isEqualTo("{\"v\":1,\"type\":\"slot\",\"slotId\":7,\"snapshotter\":\"" + DM
                        + "\",\"active\":true,\"blockNumber\":99,\"observedAtMs\":1000}");
        assertThat(RecordCodec.decodeSlotAssignment(RecordCodec.encode(s))).isEqualTo(s);
        // slot registrations travel on the protocol-chain topic too, in order with releases and heads
        assertThat(RecordCodec.decodeChainTopic(RecordCodec.encode((ChainTopicRecord) s)))
                .isEqualTo(s);
    }

    @Test
    void toleratesKeyOrderAndUnknownKeys() throws Exception {
        Heartbeat h = RecordCodec.decodeHeartbeat(bytes("{\"sequence\":1,\"partition\":0,\"future\":{\"x\":[1]},"
                + "\"bridgeId\":\"b\",\"receivedAtMs\":5,\"type\":\"heartbeat\",\"v\":1}"));
        assertThat(h).isEqualTo(new Heartbeat(5, "b", 0, 1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "not json        | {                                                        | not valid JSON",
                "array           | []                                                       | must be a JSON object",
                "no version      | {\"type\":\"heartbeat\"}                                 | missing version",
                "version 2       | {\"v\":2,\"type\":\"heartbeat\"}                         | unsupported record version 2",
                "version string  | {\"v\":\"1\",\"type\":\"heartbeat\"}                     | unsupported record version",
                "wrong topic     | {\"v\":1,\"type\":\"block\"}                             | does not belong on the submissions topic",
                "missing field   | {\"v\":1,\"type\":\"heartbeat\",\"bridgeId\":\"b\",\"partition\":0,\"sequence\":1} | missing field \"receivedAtMs\"",
                "negative        | {\"v\":1,\"type\":\"heartbeat\",\"receivedAtMs\":-1,\"bridgeId\":\"b\",\"partition\":0,\"sequence\":1} | negative",
                "fraction        | {\"v\":1,\"type\":\"heartbeat\",\"receivedAtMs\":1.5,\"bridgeId\":\"b\",\"partition\":0,\"sequence\":1} | non-integer",
                "overflow        | {\"v\":1,\"type\":\"heartbeat\",\"receivedAtMs\":18446744073709551616,\"bridgeId\":\"b\",\"partition\":0,\"sequence\":1} | overflows",
                "int range       | {\"v\":1,\"type\":\"heartbeat\",\"receivedAtMs\":1,\"bridgeId\":\"b\",\"partition\":2147483648,\"sequence\":1} | out of range",
                "string type     | {\"v\":1,\"type\":\"heartbeat\",\"receivedAtMs\":1,\"bridgeId\":7,\"partition\":0,\"sequence\":1} | must be a string",
                "duplicate key   | {\"v\":1,\"v\":1,\"type\":\"heartbeat\"}                 | Duplicate",
                "trailing        | {\"v\":1,\"type\":\"heartbeat\",\"receivedAtMs\":1,\"bridgeId\":\"b\",\"partition\":0,\"sequence\":1} x | not valid JSON",
                "empty submission id | {\"v\":1,\"type\":\"submission\",\"submissionId\":\"\",\"peerId\":\"p\",\"receivedAtMs\":1,\"bridgeId\":\"b\",\"submission\":\"{}\"} | submissionId is empty",
            })
    void rejectsBadSubmissionTopicValues(String name, String json, String message) {
        assertThatThrownBy(() -> RecordCodec.decodeSubmissionTopic(bytes(json)))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsBadChainValues() {
        String good = text(RecordCodec.encode(new EpochReleased(DM, 1, 1, 10, 1, 1, H1, H2, 0, 1, 1, 1, false)));
        assertThatThrownBy(() -> RecordCodec.decodeChainTopic(
                        bytes(good.replace(DM, DM.toUpperCase().replace("0X", "0x")))))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("lower-case 0x address");
        assertThatThrownBy(() -> RecordCodec.decodeChainTopic(bytes(good.replace(H1, "0x12"))))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("blockHash");
        assertThatThrownBy(
                        () -> RecordCodec.decodeChainTopic(bytes(good.replace("\"removed\":false", "\"removed\":0"))))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("must be a boolean");
        assertThatThrownBy(() -> RecordCodec.decodeChainTopic(bytes(good.replace("epochReleased", "heartbeat"))))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("protocol-chain");
        assertThatThrownBy(() -> RecordCodec.decodeChainTopic(bytes(good.replace("epochReleased", "slot"))))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("slotId");
        assertThatThrownBy(() -> RecordCodec.decodeChainBlock(bytes(good)))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("expected type \"block\"");
        assertThatThrownBy(() -> RecordCodec.decodeSlotAssignment(new byte[0]))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void constructorsRefuseBadValues() {
        assertThatThrownBy(() -> new SlotAssignment(1, "0xABC", true, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("snapshotter");
        assertThatThrownBy(() -> new Heartbeat(1, "b", -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChainBlock(1, null, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SubmissionEnvelope("id", "p", 1, "b", null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void keys() {
        assertThat(Topics.slotKey(-1L)).isEqualTo("18446744073709551615");
        assertThat(Topics.HEARTBEAT_KEY).isEqualTo("hb");
        assertThat(Topics.BLOCK_KEY).isEqualTo("block");
    }
}
