package io.chatpipe.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.ApiServiceApplication;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.TopicRecords;
import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The chat page of {@code /chat/{from}/{to}} in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}): two pages, two users, each sees what the other writes. History-service is not
 * running here, and the page says so and works all the same. A page of another site is allowed too (as for seed
 * 003's React client), which takes nothing from the service's own pages under either loopback name. What the
 * XMPP side says (a reply from an XMPP client, evidence that a message was stored, received, read) is put on the
 * real topics as capture puts it.
 */
class ChatPageBrowserTests {

    /** A bound on a hang, not a timing assertion. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    static ConfigurableApplicationContext service;
    static String base;
    static int port;

    private final List<WebDriver> browsers = new java.util.ArrayList<>();

    @BeforeAll
    static void start() {
        service = ApiServiceApplication.application().run("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--chatpipe.api.history.url=http://127.0.0.1:9",
                "--chatpipe.api.websocket.allowed-origins=http://localhost:3000");
        port = ((WebServerApplicationContext) service).getWebServer().getPort();
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(WebDriver::quit);
    }

    @Test
    void twoUsersOnTwoPagesSeeEachOthersMessages() {
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
        String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);
        WebDriver alicePage = open(alice, bob, "alice's password");
        WebDriver bobPage = open("http://localhost:" + port, bob, alice, "bob's password");

        assertThat(text(alicePage, By.id("history-notice"))).contains("Earlier messages are unavailable");
        waitFor(alicePage, By.cssSelector("#presence.online"));

        write(alicePage, "Hello Bob <b>not bold</b>");
        WebElement received = waitFor(bobPage, By.cssSelector(".message.theirs .text"));
        assertThat(received.getText()).isEqualTo("Hello Bob <b>not bold</b>");
        WebElement sent = waitFor(alicePage, By.cssSelector(".message.mine[data-message-id] .status"));
        assertThat(sent.getText()).isEqualTo("sent");

        write(bobPage, "Hi Alice!");
        assertThat(waitFor(alicePage, By.cssSelector(".message.theirs .text")).getText()).isEqualTo("Hi Alice!");
        assertThat(alicePage.findElements(By.cssSelector(".message"))).as("her own message once, his once")
                .hasSize(2);
        assertThat(bobPage.findElements(By.cssSelector(".message"))).hasSize(2);

        bobPage.quit();
        waitFor(alicePage, By.cssSelector("#presence.offline"));
    }

    @Test
    void showsHowFarEachMessageGotAndAReplyFromTheOthersXmppClient() {
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
        String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);
        WebDriver page = open(alice, bob, "alice's password");
        String first = sentMessage(page, "one");
        String second = sentMessage(page, "two");
        ConversationId conversation = ConversationId.between(UserId.of(alice), UserId.of(bob));

        evidence(conversation, second, Outcome.STORED);
        awaitStatus(page, second, "delivered");
        evidence(conversation, second, Outcome.RECEIVED);
        awaitStatus(page, second, "received");
        assertThat(statusOf(page, first)).isEqualTo("sent");

        // a displayed marker on the second message: it and every earlier one are read
        evidence(conversation, second, Outcome.READ);
        awaitStatus(page, second, "read");
        assertThat(statusOf(page, first)).isEqualTo("read");

        // a late retry of the second, then news of a third behind it in the same partition: the second stays read
        String third = sentMessage(page, "three");
        TopicRecords.write(Topics.DELIVERIES, conversation, new DeliveryAttempted(DeliveryAttempted.SCHEMA_VERSION,
                MessageId.of(second), conversation, 2, Outcome.RETRYING, "smack", "a late retry", Instant.now()));
        TopicRecords.write(Topics.DELIVERIES, conversation, new DeliveryAttempted(DeliveryAttempted.SCHEMA_VERSION,
                MessageId.of(third), conversation, 1, Outcome.ACCEPTED, "smack", null, Instant.now()));
        awaitStatus(page, third, "delivered");
        assertThat(statusOf(page, second)).isEqualTo("read");

        String phone = bob + "@localhost/phone";
        MessageAccepted reply = MessageAccepted.captured(MessageId.forCapturedStanza(phone + "\u0000r"),
                UserId.of(bob), UserId.of(alice), "yes, from my phone", Instant.now(), phone);
        TopicRecords.write(Topics.MESSAGES, conversation, reply);
        WebElement shown = waitFor(page, By.cssSelector(".message.theirs[data-message-id='" + reply.messageId()
                + "'] .text"));
        assertThat(shown.getText()).isEqualTo("yes, from my phone");
        assertThat(page.findElements(By.cssSelector(".message.theirs .status"))).as("a reply shows no status")
                .isEmpty();
        assertThat(page.findElements(By.cssSelector(".message"))).hasSize(4);
    }

    @Test
    void tellsWhenTheConnectionIsLostAndBackAndSendsWhatWasWrittenMeanwhile() {
        String carol = "carol-" + UUID.randomUUID().toString().substring(0, 8);
        String dave = "dave-" + UUID.randomUUID().toString().substring(0, 8);
        WebDriver carolPage = open(carol, dave, "c");
        WebDriver davePage = open(dave, carol, "d");

        ((JavascriptExecutor) carolPage).executeScript("window.chatPage.socket.close()");
        new WebDriverWait(carolPage, WAIT).until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Connected again."));

        write(carolPage, "after the drop");
        assertThat(waitFor(davePage, By.cssSelector(".message.theirs .text")).getText()).isEqualTo("after the drop");
    }

    @Test
    void saysSoWhenThePasswordIsWrong() {
        String erin = "erin-" + UUID.randomUUID().toString().substring(0, 8);
        open(erin, "frank", "right").quit();

        WebDriver page = browser();
        page.get(base + "/chat/" + erin + "/frank");
        page.findElement(By.id("password")).sendKeys("wrong");
        page.findElement(By.id("login-button")).click();

        assertThat(waitFor(page, By.id("login-error")).getText()).contains("password is wrong");
        assertThat(page.findElement(By.id("composer")).isDisplayed()).isFalse();
    }

    private WebDriver open(String me, String peer, String password) {
        return open(base, me, peer, password);
    }

    private WebDriver open(String site, String me, String peer, String password) {
        WebDriver page = browser();
        page.get(site + "/chat/" + me + "/" + peer);
        assertThat(page.findElement(By.id("me")).getText()).isEqualTo(me);
        page.findElement(By.id("password")).sendKeys(password);
        page.findElement(By.id("login-button")).click();
        waitFor(page, By.id("text"));
        return page;
    }

    /** Writes a message and waits until the service has it: its id, once the page knows it. */
    private static String sentMessage(WebDriver page, String message) {
        write(page, message);
        return new WebDriverWait(page, WAIT).until(d -> (String) ((JavascriptExecutor) d).executeScript("""
                const mine = [...document.querySelectorAll('.message.mine[data-message-id]')];
                const sent = mine.find((li) => li.querySelector('.text').textContent === arguments[0]);
                return sent ? sent.dataset.messageId : null;""", message));
    }

    /** What capture writes when the recipient's archive shows the message stored, received or read. */
    private static void evidence(ConversationId conversation, String messageId, Outcome outcome) {
        TopicRecords.write(Topics.DELIVERIES, conversation,
                DeliveryAttempted.evidence(MessageId.of(messageId), conversation, outcome, Instant.now()));
    }

    /** The status a message of mine shows; read in one script, as the page redraws a message's parts. */
    private static String statusOf(WebDriver page, String messageId) {
        return (String) ((JavascriptExecutor) page).executeScript(
                "return document.querySelector(`.message[data-message-id='${arguments[0]}'] .status`).textContent",
                messageId);
    }

    private static void awaitStatus(WebDriver page, String messageId, String status) {
        new WebDriverWait(page, WAIT).until(d -> statusOf(d, messageId).equals(status));
    }

    private static void write(WebDriver page, String message) {
        page.findElement(By.id("text")).sendKeys(message);
        page.findElement(By.id("send")).click();
    }

    private static WebElement waitFor(WebDriver page, By what) {
        return new WebDriverWait(page, WAIT).until(ExpectedConditions.visibilityOfElementLocated(what));
    }

    private static String text(WebDriver page, By what) {
        return waitFor(page, what).getText();
    }

    private WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage");
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        WebDriver page = new ChromeDriver(driver, options);
        browsers.add(page);
        return page;
    }
}
