package io.powerloom.sequencer.libp2p.pubsub;

/** A topic handler's verdict on a message (libp2p pubsub validation results). */
public enum Validation {
    /** Valid: delivered, cached and forwarded to the mesh. */
    ACCEPT,
    /** Invalid: not forwarded, and the delivering peer's score is penalised. */
    REJECT,
    /** Not forwarded, no penalty. */
    IGNORE
}
