package io.powerloom.sequencer.chain.commit;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.protocol.core.Response;

/**
 * Reads the protocol-state contract's revert code (E04, E25, …) out of a JSON-RPC error: first from the ABI-encoded
 * {@code Error(string)} in the error's data, then from the message text ("execution reverted: E25").
 */
final class RevertReasons {
    private static final String ERROR_STRING_SELECTOR = "0x08c379a0";
    private static final Pattern CODE = Pattern.compile("\\bE\\d{2}\\b");

    private RevertReasons() {}

    /** The revert reason string if the error is a revert with a reason. */
    static Optional<String> reason(Response.Error error) {
        if (error == null) {
            return Optional.empty();
        }
        String data = error.getData();
        if (data != null) {
            String hex = data.trim();
            if (hex.startsWith("\"")) {
                hex = hex.replace("\"", "");
            }
            if (hex.startsWith(ERROR_STRING_SELECTOR) && hex.length() > ERROR_STRING_SELECTOR.length()) {
                try {
                    @SuppressWarnings({"rawtypes", "unchecked"})
                    List<Type> decoded = FunctionReturnDecoder.decode(
                            "0x" + hex.substring(ERROR_STRING_SELECTOR.length()),
                            (List) List.of(new TypeReference<Utf8String>() {}));
                    if (!decoded.isEmpty()) {
                        return Optional.of(decoded.get(0).getValue().toString());
                    }
                } catch (RuntimeException ignored) {
                    // fall back to the message
                }
            }
        }
        String msg = error.getMessage();
        if (msg != null && msg.toLowerCase().contains("revert")) {
            return Optional.of(msg);
        }
        return Optional.empty();
    }

    /** The first E-code (e.g. {@code E25}) found in a revert reason, if any. */
    static Optional<String> code(Response.Error error) {
        return reason(error).flatMap(RevertReasons::codeIn);
    }

    static Optional<String> codeIn(String text) {
        Matcher m = CODE.matcher(text);
        return m.find() ? Optional.of(m.group()) : Optional.empty();
    }
}
