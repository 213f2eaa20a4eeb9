package io.powerloom.sequencer.chain.commit;

import io.powerloom.sequencer.chain.RevertReasons;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.protocol.core.Response;

/**
 * The protocol-state contract's revert code (E04, E25, …) in a JSON-RPC error: the reason is decoded with
 * {@link RevertReasons} from the error's {@code Error(string)} data, or taken from the message
 * ("execution reverted: E25").
 */
final class RevertCodes {
    private static final Pattern CODE = Pattern.compile("\\bE\\d{2}\\b");

    private RevertCodes() {}

    /** The revert reason string if the error is a revert. */
    static Optional<String> reason(Response.Error error) {
        if (error == null) {
            return Optional.empty();
        }
        if (error.getData() != null) {
            Optional<String> decoded =
                    RevertReasons.decode(error.getData().trim().replace("\"", ""));
            if (decoded.isPresent()) {
                return decoded;
            }
        }
        String msg = error.getMessage();
        if (msg != null && msg.toLowerCase().contains("revert")) {
            return Optional.of(RevertReasons.fromMessage(msg));
        }
        return Optional.empty();
    }

    /** Whether the error is an execution revert (final), not a node's failure to run the call (transient). */
    static boolean isRevert(Response.Error error) {
        if (error == null) {
            return false;
        }
        String msg = error.getMessage();
        return reason(error).isPresent() || (msg != null && msg.toLowerCase().contains("revert"));
    }

    /** The first E-code (e.g. {@code E25}) of a revert reason, if any. */
    static Optional<String> code(Response.Error error) {
        return reason(error).flatMap(r -> {
            Matcher m = CODE.matcher(r);
            return m.find() ? Optional.of(m.group()) : Optional.empty();
        });
    }
}
