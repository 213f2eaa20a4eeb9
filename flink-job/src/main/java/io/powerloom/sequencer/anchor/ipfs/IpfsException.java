package io.powerloom.sequencer.anchor.ipfs;

/**
 * A failed IPFS operation, with what a caller needs to decide on a retry: the kind of failure, the HTTP status and
 * the Kubo error message when the node answered, and whether trying again may succeed.
 *
 * <p>Retryable: connection failures and time-outs, HTTP 429/502/503/504, Kubo's generic internal errors, and
 * answers cut short. Not retryable: a request the node rejects (HTTP 400, Kubo code 1, an invalid CID or an
 * unsupported option), a missing block, a wrong endpoint (404/405), content above the size limit, and a CID that
 * differs from the one computed locally.
 */
public class IpfsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** No answer: connection refused or reset, or the time-out passed. */
        TRANSPORT,
        /** The node answered with an error status ({@link #httpStatus()}, {@link #kuboMessage()}). */
        NODE_ERROR,
        /** The node's answer was not what the Kubo RPC API returns (unparseable or missing fields). */
        BAD_RESPONSE,
        /** The node's CID for the content differs from the CID computed locally, or bytes do not match their CID. */
        CID_MISMATCH,
        /** The content is larger than this client accepts. */
        CONTENT_TOO_LARGE,
        /** The argument is not valid (e.g. not a CID); nothing was sent. */
        INVALID_ARGUMENT
    }

    /** {@link #httpStatus()} when the node did not answer. */
    public static final int NO_STATUS = -1;

    private final Kind kind;
    private final int httpStatus;
    private final String kuboMessage;
    private final boolean retryable;

    /** An exception with every detail given; {@code kuboMessage} may be null. */
    public IpfsException(
            Kind kind, String message, int httpStatus, String kuboMessage, boolean retryable, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.kuboMessage = kuboMessage;
        this.retryable = retryable;
    }

    /** A failure without an HTTP answer and without a cause. */
    public IpfsException(Kind kind, String message, boolean retryable) {
        this(kind, message, NO_STATUS, null, retryable, null);
    }

    /**
     * Whether {@code failure}, or one of its causes (e.g. inside a {@code CompletionException} or an exception
     * that wraps it), is a retryable {@link IpfsException}. Suits Flink's async retry predicates:
     * {@code .ifException(IpfsException::retryableCause)}; anything else counts as not retryable.
     */
    public static boolean retryableCause(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof IpfsException) {
                return ((IpfsException) t).retryable();
            }
        }
        return false;
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** The HTTP status of the node's answer, or {@link #NO_STATUS}. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The {@code Message} of Kubo's error body, or null when there was none. */
    public String kuboMessage() {
        return kuboMessage;
    }

    /** Whether the same request may succeed when sent again later. */
    public boolean retryable() {
        return retryable;
    }
}
