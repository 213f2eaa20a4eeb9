package io.powerloom.sequencer.chain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * Command line front of {@link ProtocolStateDeployer} for the local network and the demo: deploys the contract,
 * creates one data market, registers slots, and prints what it did as one JSON object on stdout.
 *
 * <pre>
 * java -cp ... io.powerloom.sequencer.chain.DeployProtocolState \
 *   --rpc=http://127.0.0.1:8545 --chain-id=31337 --owner-key=0x... \
 *   --data-market=0x... --epoch-size=10 --snapshot-window=120 --batch-window=50 \
 *   --epoch-manager=0x... --sequencer=0x... [--sequencer=0x...] \
 *   --first-slot=1 --snapshotter=0x... [--snapshotter=0x...]
 * </pre>
 *
 * Exit code 2 with a usage message on bad arguments, 1 when a transaction fails.
 */
public final class DeployProtocolState {
    private DeployProtocolState() {}

    /** Runs the deployment; see the class comment for the arguments. */
    public static void main(String[] args) {
        Map<String, List<String>> options;
        DataMarketConfig market;
        long chainId;
        long firstSlot;
        try {
            options = parse(args);
            chainId = Long.parseLong(single(options, "chain-id"));
            firstSlot = Long.parseLong(
                    options.getOrDefault("first-slot", List.of("1")).get(0));
            market = new DataMarketConfig(
                    single(options, "data-market"),
                    Integer.parseInt(single(options, "epoch-size")),
                    Long.parseLong(single(options, "snapshot-window")),
                    Long.parseLong(single(options, "batch-window")),
                    single(options, "epoch-manager"),
                    options.getOrDefault("sequencer", List.of()));
            single(options, "rpc");
            single(options, "owner-key");
        } catch (IllegalArgumentException e) {
            System.err.println("DeployProtocolState: " + e.getMessage());
            System.err.println("usage: --rpc=URL --chain-id=N --owner-key=0xKEY --data-market=0xADDR --epoch-size=N"
                    + " --snapshot-window=N --batch-window=N --epoch-manager=0xADDR [--sequencer=0xADDR]..."
                    + " [--first-slot=N] [--snapshotter=0xADDR]...");
            System.exit(2);
            return;
        }
        Web3j web3j = Web3j.build(new HttpService(single(options, "rpc")));
        try {
            ProtocolStateDeployer deployer =
                    new ProtocolStateDeployer(web3j, Credentials.create(single(options, "owner-key")), chainId);
            ProtocolStateDeployment d =
                    deployer.deploy(market, firstSlot, options.getOrDefault("snapshotter", List.of()));
            System.out.println(describe(d, chainId));
        } catch (ChainTransactionException e) {
            System.err.println("DeployProtocolState: " + e.getMessage());
            System.exit(1);
        } finally {
            web3j.shutdown();
        }
    }

    /** The deployment as JSON: contract address, chain id, deploy block, data market, slots. */
    static String describe(ProtocolStateDeployment d, long chainId) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        out.put("contractAddress", d.contractAddress());
        out.put("chainId", chainId);
        out.put("deployBlock", d.deployBlock() == null ? BigInteger.ZERO : d.deployBlock());
        out.put("dataMarket", d.market().dataMarket());
        out.put("epochSize", d.market().epochSize());
        out.put("snapshotSubmissionWindow", d.market().snapshotSubmissionWindow());
        out.put("batchSubmissionWindow", d.market().batchSubmissionWindow());
        out.put("epochManager", d.market().epochManager());
        d.market().sequencers().forEach(out.putArray("sequencers")::add);
        ObjectNode slots = out.putObject("slots");
        d.slots().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> slots.put(Long.toString(e.getKey()), e.getValue()));
        return out.toString();
    }

    /** {@code --name=value} pairs; a name may repeat. */
    static Map<String, List<String>> parse(String[] args) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 3) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            options.computeIfAbsent(arg.substring(2, eq), k -> new ArrayList<>())
                    .add(arg.substring(eq + 1));
        }
        return options;
    }

    private static String single(Map<String, List<String>> options, String name) {
        List<String> values = options.get(name);
        if (values == null || values.size() != 1 || values.get(0).isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required exactly once");
        }
        return values.get(0);
    }
}
