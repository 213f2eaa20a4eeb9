package io.powerloom.sequencer.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.TempDirs;
import java.io.File;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The explorer in Debian's headless Chromium (driven by Selenium through Debian's chromedriver) against a running
 * local network: epochs appear on the timeline and keep appearing without a reload, an epoch's page shows the batch
 * CIDs and transactions that are on chain, and a slot link leads to the slot's page with each submission's fate.
 * Needs the {@code chromium} and {@code chromium-driver} packages ({@code .ci/run} installs them).
 */
class ExplorerBrowserITCase {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";

    @Test
    void showsEpochsBatchesAndSlotsOfARunningNetwork() throws Exception {
        assertThat(new File(CHROMIUM))
                .as("Debian's chromium (apt-get install chromium chromium-driver)")
                .exists();
        assertThat(new File(DRIVER)).as("Debian's chromium-driver").exists();
        LocalNetworkOptions options = LocalNetworkOptions.parse(new String[] {
            "--slots",
            "4",
            "--full-nodes",
            "3",
            "--projects",
            "6",
            "--batch-size",
            "4",
            "--window-seconds",
            "8",
            "--epoch-interval",
            "10s",
            "--faulty-share",
            "0.2",
            "--web-port",
            "0",
            "--parallelism",
            "1",
            "--data-dir",
            Path.of("target/explorer-it").toString()
        });
        Path profile = TempDirs.create("chromium-profile-");
        try (LocalNetwork net = LocalNetwork.start(options, line -> System.out.println("[local-network] " + line))) {
            assertThat(net.queryUrl()).as("query service started").isNotNull();
            ChromeOptions chrome = new ChromeOptions();
            chrome.setBinary(CHROMIUM);
            chrome.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--user-data-dir=" + profile.toAbsolutePath());
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(DRIVER))
                    .usingAnyFreePort()
                    .build();
            WebDriver browser = new ChromeDriver(service, chrome);
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
                browser.get(net.queryUrl() + "/explorer/");
                assertThat(browser.getTitle()).isEqualTo("Sequencer explorer");

                // epochs appear, and more appear while the page stays open (live updates)
                wait.until(b -> !b.findElements(By.cssSelector("#epochs tr[data-epoch]"))
                        .isEmpty());
                int first = newestEpoch(browser);
                wait.until(b -> newestEpoch(b) > first);

                // epoch 1 completes (the page updates itself); its page shows the batches that are on chain
                wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                        .until(b -> b.findElements(By.cssSelector("#epochs tr[data-epoch='1']")).stream()
                                .anyMatch(r -> r.getText().contains("COMMITTED")));
                browser.findElement(By.cssSelector("#epochs tr[data-epoch='1'] a"))
                        .click();
                wait.until(
                        b -> b.findElements(By.cssSelector("#batches tr.batch")).size() == 2);
                List<String> onChain = batchCidsOnChain(net, 1);
                String page = browser.findElement(By.id("batches")).getText();
                for (String cid : onChain) {
                    assertThat(page).contains(cid);
                }
                assertThat(page).containsPattern("0x[0-9a-f]{64}");

                // a batch page: its CID and transaction
                // (the chain lists an epoch's batches in the order their commits were mined, the page by index)
                String rowCid = browser.findElement(By.cssSelector("#batches tr.batch .cid"))
                        .getText();
                assertThat(onChain).contains(rowCid);
                browser.findElement(By.cssSelector("#batches tr.batch a")).click();
                wait.until(b -> b.findElements(By.id("batchcid")).size() == 1);
                assertThat(browser.findElement(By.id("batchcid")).getText()).isEqualTo(rowCid);
                assertThat(browser.findElement(By.id("batchtx")).getText()).containsPattern("0x[0-9a-f]{64}");

                // back to the epoch, then a slot's page with the fate of each of its submissions
                browser.navigate().back();
                wait.until(b -> !b.findElements(By.cssSelector("#slots a.slot")).isEmpty());
                WebElement slot = browser.findElement(By.cssSelector("#slots a.slot"));
                String slotId = slot.getText();
                slot.click();
                wait.until(b -> b.getCurrentUrl().contains("#/slot/" + slotId + "/1")
                        && !b.findElements(By.cssSelector("#submissions td.fate"))
                                .isEmpty());
                assertThat(browser.findElement(By.tagName("h1")).getText()).startsWith("Slot " + slotId);
                assertThat(browser.findElements(By.cssSelector("#submissions td.fate")))
                        .extracting(WebElement::getText)
                        .allMatch(f -> List.of(
                                        "batched",
                                        "rejected",
                                        "replaced",
                                        "discarded",
                                        "unfinalized",
                                        "finalized",
                                        "pending")
                                .contains(f));
            } finally {
                browser.quit();
            }
        } finally {
            TempDirs.deleteRecursively(profile);
        }
    }

    private static int newestEpoch(WebDriver b) {
        List<WebElement> rows = b.findElements(By.cssSelector("#epochs tr[data-epoch]"));
        try {
            return rows.isEmpty() ? 0 : Integer.parseInt(rows.get(0).getAttribute("data-epoch"));
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return 0;
        }
    }

    private static List<String> batchCidsOnChain(LocalNetwork net, long epoch) throws Exception {
        Web3j web3j = Web3j.build(new HttpService(net.rpcUrl()));
        try {
            PowerloomProtocolState contract = ProtocolStateDeployer.load(
                    net.contractAddress(), web3j, Credentials.create("0x" + "11".repeat(32)), LocalNetwork.CHAIN_ID);
            @SuppressWarnings("unchecked")
            List<Object> cids = contract.epochIdToBatchCids(LocalNetwork.DATA_MARKET, BigInteger.valueOf(epoch))
                    .send();
            assertThat(cids).hasSize(2);
            return cids.stream().map(String::valueOf).toList();
        } finally {
            web3j.shutdown();
        }
    }
}
