package io.chatpipe.history;

import java.util.Map;
import org.rocksdb.RocksDB;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** history-service: materializes chat.messages into per-conversation history and answers queries on it. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HistoryServiceApplication {

    /** The application with its own config name, so that several chatpipe services can share one JVM. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(HistoryServiceApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "history-service"));
        return application;
    }

    public static void main(String[] args) {
        // Kafka Streams loads RocksDB's native library when it opens the first store, after Spring has started and
        // the group has given this instance its tasks: copying it out of its jar (15 MiB, on every start) and
        // loading it took about 1 s of a restart on a busy machine, all of it before the first query could be
        // answered. Loaded while Spring starts instead; should it fail here, Kafka Streams tries again and says why.
        Thread.ofPlatform().daemon().name("rocksdb-library").start(() -> {
            try {
                RocksDB.loadLibrary();
            } catch (RuntimeException | LinkageError e) {
                LoggerFactory.getLogger(HistoryServiceApplication.class)
                        .debug("RocksDB's library not loaded ahead of Kafka Streams", e);
            }
        });
        application().run(args);
    }
}
