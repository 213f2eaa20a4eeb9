package io.powerloom.sequencer.infra.anvil;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one real Anvil per test class, started before all tests and stopped after them.
 *
 * <p>Register it as a static field to choose options, or with {@code @ExtendWith(AnvilExtension.class)} for the
 * defaults; test methods and constructors can take an {@link Anvil} parameter.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final AnvilExtension CHAIN = new AnvilExtension(Anvil.builder().chainId(11169));
 * ...
 * CHAIN.anvil().rpcUrl();
 * }</pre>
 */
public final class AnvilExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private final Anvil.Builder builder;
    private Anvil anvil;

    /** Anvil with the builder's defaults. */
    public AnvilExtension() {
        this(Anvil.builder());
    }

    /** Anvil with the given options. */
    public AnvilExtension(Anvil.Builder builder) {
        this.builder = builder;
    }

    /** The running chain (only between beforeAll and afterAll). */
    public Anvil anvil() {
        if (anvil == null) {
            throw new IllegalStateException("Anvil is not running: the extension starts it before all tests");
        }
        return anvil;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        anvil = builder.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (anvil != null) {
            anvil.close();
            anvil = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Anvil.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return anvil();
    }
}
