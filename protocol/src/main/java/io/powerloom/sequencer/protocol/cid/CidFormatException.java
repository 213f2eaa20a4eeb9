package io.powerloom.sequencer.protocol.cid;

/** A string that is not a CID this project understands, with the reason. */
public class CidFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public CidFormatException(String message) {
        super(message);
    }
}
