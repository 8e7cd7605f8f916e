package io.chatpipe.bench.report;

import io.chatpipe.events.ChatJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import tools.jackson.databind.SerializationFeature;

/**
 * Writes a run's results into a directory as {@code bench-<time>.json}, {@code .md} and {@code .png}, and
 * copies them to {@code latest.*}.
 */
public final class ResultFiles {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private ResultFiles() {
    }

    /** Returns the files written: JSON, Markdown, PNG. */
    public static List<Path> write(Results results, Path directory) throws IOException {
        Files.createDirectories(directory);
        String base = "bench-" + STAMP.format(results.started());
        Path json = directory.resolve(base + ".json");
        Path md = directory.resolve(base + ".md");
        Path png = directory.resolve(base + ".png");
        Files.writeString(json, ChatJson.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(results), StandardCharsets.UTF_8);
        Files.writeString(md, MarkdownTable.of(results), StandardCharsets.UTF_8);
        RatioPlot.write(results, png);
        for (Path file : List.of(json, md, png)) {
            String name = file.getFileName().toString();
            Files.copy(file, directory.resolve("latest" + name.substring(name.lastIndexOf('.'))),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        return List.of(json, md, png);
    }
}
