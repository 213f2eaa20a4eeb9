package io.powerloom.sequencer.anchor.ipfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class IpfsExceptionTest {

    @Test
    void retryableCauseLooksThroughWrappers() {
        IpfsException transport = new IpfsException(IpfsException.Kind.TRANSPORT, "refused", true);
        IpfsException mismatch = new IpfsException(IpfsException.Kind.CID_MISMATCH, "other cid", false);

        assertThat(IpfsException.retryableCause(transport)).isTrue();
        assertThat(IpfsException.retryableCause(new CompletionException(transport)))
                .isTrue();
        assertThat(IpfsException.retryableCause(
                        new IllegalStateException("upload failed", new CompletionException(transport))))
                .isTrue();
        assertThat(IpfsException.retryableCause(new IllegalStateException("upload failed", mismatch)))
                .isFalse();
        assertThat(IpfsException.retryableCause(new IllegalStateException("something else")))
                .isFalse();
        assertThat(IpfsException.retryableCause(null)).isFalse();
    }

    @Test
    void carriesStatusAndKuboMessage() {
        IpfsException e = new IpfsException(IpfsException.Kind.NODE_ERROR, "IPFS add failed", 503, "busy", true, null);
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.kuboMessage()).isEqualTo("busy");
        assertThat(e.kind()).isEqualTo(IpfsException.Kind.NODE_ERROR);
        assertThat(new IpfsException(IpfsException.Kind.TRANSPORT, "x", true).httpStatus())
                .isEqualTo(IpfsException.NO_STATUS);
    }
}
