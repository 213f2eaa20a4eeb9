package io.powerloom.sequencer.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * Decodes Solidity revert reasons ({@code Error(string)}, selector {@code 0x08c379a0}) such as the protocol-state
 * contract's {@code "E25"}, from revert data or by simulating a call with {@code eth_call}.
 */
public final class RevertReasons {
    /** Selector of {@code Error(string)}. */
    public static final String ERROR_SELECTOR = "0x08c379a0";

    private static final String NODE_PREFIX = "execution reverted: ";

    private RevertReasons() {}

    /**
     * The reason string in ABI-encoded revert data ({@code 0x08c379a0 ‖ abi.encode(string)}).
     *
     * @return empty when the data is not an {@code Error(string)} (a custom error, a panic, or no data)
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static Optional<String> decode(String revertData) {
        if (revertData == null || !revertData.toLowerCase().startsWith(ERROR_SELECTOR)) {
            return Optional.empty();
        }
        String body = revertData.substring(ERROR_SELECTOR.length());
        if (body.isEmpty() || body.length() % 64 != 0) {
            return Optional.empty();
        }
        try {
            List<Type> values = FunctionReturnDecoder.decode(body, (List) List.of(new TypeReference<Utf8String>() {}));
            return values.isEmpty()
                    ? Optional.empty()
                    : Optional.of((String) values.get(0).getValue());
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /**
     * Simulates {@code from} sending {@code data} to {@code to} at {@code block} and returns the revert reason,
     * or empty when the call would succeed (or reverts without a reason string).
     */
    public static Optional<String> ofCall(
            Web3j web3j, String from, String to, String data, DefaultBlockParameter block) {
        EthCall call;
        try {
            call = web3j.ethCall(Transaction.createEthCallTransaction(from, to, data), block)
                    .send();
        } catch (IOException e) {
            throw new UncheckedIOException("eth_call to " + to + " failed", e);
        }
        if (!call.hasError() && !call.isReverted()) {
            return Optional.empty();
        }
        Response.Error error = call.getError();
        if (error != null && error.getData() != null) {
            Optional<String> decoded = decode(error.getData().trim().replace("\"", ""));
            if (decoded.isPresent()) {
                return decoded;
            }
        }
        if (call.getValue() != null) {
            Optional<String> decoded = decode(call.getValue());
            if (decoded.isPresent()) {
                return decoded;
            }
        }
        return Optional.ofNullable(fromMessage(error == null ? call.getRevertReason() : error.getMessage()));
    }

    /**
     * The bare reason from a node's message such as {@code "execution reverted: E04"}; null stays null, other
     * messages are returned unchanged.
     */
    public static String fromMessage(String message) {
        if (message == null) {
            return null;
        }
        int at = message.indexOf(NODE_PREFIX);
        return at >= 0 ? message.substring(at + NODE_PREFIX.length()).trim() : message;
    }

    /** {@code Error(string)} revert data for a reason, as a contract would produce it (for tests and tooling). */
    public static String encode(String reason) {
        byte[] utf8 = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(ERROR_SELECTOR);
        out.append(word(BigInteger.valueOf(32)));
        out.append(word(BigInteger.valueOf(utf8.length)));
        StringBuilder hex = new StringBuilder();
        for (byte b : utf8) {
            hex.append(String.format("%02x", b));
        }
        while (hex.length() % 64 != 0) {
            hex.append('0');
        }
        return out.append(hex).toString();
    }

    private static String word(BigInteger value) {
        String hex = value.toString(16);
        return "0".repeat(64 - hex.length()) + hex;
    }
}
