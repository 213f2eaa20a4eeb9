package io.powerloom.sequencer.verify;

import io.powerloom.sequencer.model.RejectReason;
import io.powerloom.sequencer.model.RejectedSubmission;
import io.powerloom.sequencer.model.SignedSubmission;
import io.powerloom.sequencer.model.SubmissionMetrics;
import io.powerloom.sequencer.protocol.crypto.Eip712;
import io.powerloom.sequencer.protocol.crypto.Eip712Domain;
import io.powerloom.sequencer.protocol.crypto.Secp256k1;
import io.powerloom.sequencer.protocol.json.Utf8Json;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import io.powerloom.sequencer.protocol.wire.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Verify, part 1 (stateless, runs chained to the source at full parallelism): decodes each submission, checks the
 * rules that need no state (data market served, signer not flagged) and recovers the EIP-712 signer with native
 * libsecp256k1. Heartbeats stop here: they have already moved event time at the source. Everything rejected goes to
 * {@link #REJECTED} with its reason.
 */
public class ParseAndRecover extends ProcessFunction<CollectedRecord, SignedSubmission> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<RejectedSubmission> REJECTED = new OutputTag<>("rejected-parse") {};

    private final long chainId;
    private final String protocolState;
    private final Set<String> dataMarkets;
    private final Set<String> flaggedSigners;

    private transient Eip712Domain domain;
    private transient SubmissionMetrics metrics;
    private transient Counter heartbeats;

    public ParseAndRecover(long chainId, String protocolState, Set<String> dataMarkets, Set<String> flaggedSigners) {
        this.chainId = chainId;
        this.protocolState = protocolState.toLowerCase(Locale.ROOT);
        this.dataMarkets = Set.copyOf(dataMarkets);
        this.flaggedSigners = Set.copyOf(flaggedSigners);
    }

    @Override
    public void open(OpenContext openContext) {
        domain = new Eip712Domain(chainId, protocolState);
        metrics = SubmissionMetrics.decodeAndRecover(getRuntimeContext().getMetricGroup());
        heartbeats = getRuntimeContext().getMetricGroup().counter("heartbeats");
    }

    @Override
    public void processElement(CollectedRecord in, Context ctx, Collector<SignedSubmission> out) {
        switch (in.kind()) {
            case HEARTBEAT -> heartbeats.inc();
            case UNDECODABLE ->
                reject(
                        ctx,
                        RejectedSubmission.undecodableRecord(
                                in.partition(), in.offset(), in.error(), in.receivedAtMs()));
            case SUBMISSION -> verify(in, ctx, out);
        }
    }

    private void verify(CollectedRecord in, Context ctx, Collector<SignedSubmission> out) {
        metrics.received();
        long eventTime = ctx.timestamp() == null ? in.receivedAtMs() : ctx.timestamp();
        SnapshotSubmission s;
        try {
            s = SubmissionCodec.fromGoJson(in.submissionJson().getBytes(StandardCharsets.UTF_8));
        } catch (WireFormatException e) {
            reject(
                    ctx,
                    RejectedSubmission.received(
                            in.submissionId(),
                            in.peerId(),
                            eventTime,
                            RejectReason.MALFORMED_SUBMISSION,
                            e.reason() + ": " + e.getMessage()));
            return;
        }
        String market = s.dataMarket() == null ? "" : s.dataMarket().toLowerCase(Locale.ROOT);
        var r = s.request();
        if (!dataMarkets.contains(market)) {
            reject(
                    ctx,
                    RejectedSubmission.received(
                                    in.submissionId(),
                                    in.peerId(),
                                    eventTime,
                                    RejectReason.UNKNOWN_DATA_MARKET,
                                    "data market '" + s.dataMarket() + "' is not served")
                            .about(market, r.slotId(), r.epochId(), r.projectId()));
            return;
        }
        String signer;
        try {
            byte[] sig = Secp256k1.parseSignatureHex(s.signature());
            signer = Secp256k1.recoverAddress(Eip712.digest(domain, r), sig);
        } catch (Exception e) {
            reject(
                    ctx,
                    RejectedSubmission.received(
                                    in.submissionId(),
                                    in.peerId(),
                                    eventTime,
                                    RejectReason.BAD_SIGNATURE,
                                    String.valueOf(e.getMessage()))
                            .about(market, r.slotId(), r.epochId(), r.projectId()));
            return;
        }
        if (flaggedSigners.contains(signer)) {
            reject(
                    ctx,
                    RejectedSubmission.received(
                                    in.submissionId(),
                                    in.peerId(),
                                    eventTime,
                                    RejectReason.FLAGGED_SIGNER,
                                    "signer " + signer + " is flagged")
                            .about(market, r.slotId(), r.epochId(), r.projectId()));
            return;
        }
        out.collect(new SignedSubmission(
                in.submissionId(),
                in.peerId(),
                eventTime,
                market,
                r.slotId(),
                r.epochId(),
                r.projectId(),
                r.snapshotCid(),
                r.deadline(),
                signer,
                Utf8Json.quote(SubmissionCodec.toProtoJson(s).getBytes(StandardCharsets.UTF_8))));
    }

    private void reject(Context ctx, RejectedSubmission rejected) {
        metrics.rejected(rejected.reason());
        ctx.output(REJECTED, rejected);
    }
}
