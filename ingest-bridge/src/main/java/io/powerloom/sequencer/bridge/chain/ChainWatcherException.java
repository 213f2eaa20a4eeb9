package io.powerloom.sequencer.bridge.chain;

/** The chain watcher cannot go on (configuration, a topic in the wrong shape, a reorg deeper than remembered, fencing). */
public class ChainWatcherException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChainWatcherException(String message) {
        super(message);
    }

    public ChainWatcherException(String message, Throwable cause) {
        super(message, cause);
    }
}
