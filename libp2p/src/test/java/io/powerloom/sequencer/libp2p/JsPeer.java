package io.powerloom.sequencer.libp2p;

import io.powerloom.sequencer.infra.NodeScript;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The js-libp2p peers of {@code src/test/js}, run as {@link NodeScript}s, and the fields of the {@code TAG {json}}
 * lines they print.
 */
final class JsPeer {
    private JsPeer() {}

    /** Starts {@code script} with {@code args}. */
    static NodeScript start(String script, String... args) throws IOException {
        return NodeScript.startLibp2pTestScript(script, List.of(args));
    }

    /** The string value of {@code "name":"..."} in {@code json}. */
    static String field(String json, String name) {
        Matcher m =
                Pattern.compile("\"" + Pattern.quote(name) + "\":\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no field " + name + " in " + json);
        }
        return m.group(1);
    }

    /** All string values of {@code "name":"..."} in {@code json}, in order. */
    static List<String> fields(String json, String name) {
        Matcher m =
                Pattern.compile("\"" + Pattern.quote(name) + "\":\"([^\"]*)\"").matcher(json);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The first address in a READY line's {@code addrs}. */
    static String firstAddr(String json) {
        Matcher m = Pattern.compile("\"addrs\":\\[\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no addrs in " + json);
        }
        return m.group(1);
    }
}
