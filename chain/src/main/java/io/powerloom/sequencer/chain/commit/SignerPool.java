package io.powerloom.sequencer.chain.commit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.web3j.crypto.Credentials;

/**
 * The sequencer's signer accounts, each with its own locally tracked nonce.
 *
 * <p>Keys come from files (one hex private key per file, optional {@code 0x}) or environment variables. Error messages
 * name the file or variable, never the key. A commit {@link #acquire() acquires} the signer with the fewest commits in
 * flight and takes the next nonce from it; nonces are handed out without gaps (see {@link Signer#allocateNonce()}).
 */
public final class SignerPool {
    private static final Pattern HEX_KEY = Pattern.compile("[0-9a-fA-F]{64}");

    private final List<Signer> signers;
    private final AtomicInteger roundRobin = new AtomicInteger();

    private SignerPool(List<Signer> signers) {
        this.signers = List.copyOf(signers);
    }

    /** Loads the keys named by the config; {@code env} looks up environment variables (System::getenv in production). */
    public static SignerPool load(CommitClientConfig config, Function<String, String> env) {
        List<Signer> list = new ArrayList<>();
        for (String file : config.signerKeyFiles()) {
            String text;
            try {
                text = Files.readString(Path.of(file));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read signer key file " + file + ": "
                        + e.getClass().getSimpleName());
            }
            list.add(new Signer(parseKey(text, "key file " + file)));
        }
        for (String name : config.signerKeyEnvVars()) {
            String value = env.apply(name);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("environment variable " + name + " (signer key) is not set");
            }
            list.add(new Signer(parseKey(value, "environment variable " + name)));
        }
        long distinct = list.stream().map(Signer::address).distinct().count();
        if (distinct != list.size()) {
            throw new IllegalArgumentException("the same signer key is configured twice: nonces would collide");
        }
        return new SignerPool(list);
    }

    /** Loads the keys named by the config from files and the process environment. */
    public static SignerPool load(CommitClientConfig config) {
        Map<String, String> env = System.getenv();
        return load(config, env::get);
    }

    private static Credentials parseKey(String text, String source) {
        String hex = text.trim();
        if (hex.startsWith("0x") || hex.startsWith("0X")) {
            hex = hex.substring(2);
        }
        if (!HEX_KEY.matcher(hex).matches()) {
            throw new IllegalArgumentException(source + " does not hold a 32-byte hex private key");
        }
        return Credentials.create(hex);
    }

    /** The signers, in configuration order. */
    public List<Signer> signers() {
        return signers;
    }

    /** Lower-case addresses of the signers, in configuration order. */
    public List<String> addresses() {
        return signers.stream().map(Signer::address).toList();
    }

    /** The signer with the fewest commits in flight (ties: round robin); call {@link Signer#release()} when done. */
    Signer acquire() {
        int start = Math.floorMod(roundRobin.getAndIncrement(), signers.size());
        Signer best = null;
        for (int i = 0; i < signers.size(); i++) {
            Signer s = signers.get((start + i) % signers.size());
            if (best == null || s.inFlight.get() < best.inFlight.get()) {
                best = s;
            }
        }
        best.inFlight.incrementAndGet();
        return best;
    }

    @Override
    public String toString() {
        return "SignerPool" + addresses();
    }

    /** One signer account; its private key never leaves {@link #credentials()} and is never printed. */
    public static final class Signer {
        private final Credentials credentials;
        private final String address;
        private final AtomicInteger inFlight = new AtomicInteger();
        private long nextNonce = -1; // guarded by this

        private Signer(Credentials credentials) {
            this.credentials = credentials;
            this.address = credentials.getAddress().toLowerCase();
        }

        public String address() {
            return address;
        }

        Credentials credentials() {
            return credentials;
        }

        /** True once the nonce was fetched from the chain. */
        synchronized boolean nonceKnown() {
            return nextNonce >= 0;
        }

        /**
         * Moves the local nonce up to the chain's pending nonce (start, "nonce too low", a transaction of ours that
         * someone else replaced). Never moves down: nonces handed out and still in flight stay valid.
         */
        synchronized void resync(long chainPendingNonce) {
            nextNonce = Math.max(nextNonce, chainPendingNonce);
        }

        /** The next nonce of this account; consecutive calls give consecutive numbers. */
        synchronized long allocateNonce() {
            if (nextNonce < 0) {
                throw new IllegalStateException("nonce of " + address + " not fetched yet");
            }
            return nextNonce++;
        }

        void release() {
            inFlight.decrementAndGet();
        }

        @Override
        public String toString() {
            return "Signer[" + address + "]";
        }
    }
}
