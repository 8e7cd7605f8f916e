package io.chatpipe.compose;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The repository's docker-compose.yml as Docker Compose reads it (anchors and merge keys resolved), and the files it
 * mounts. No Docker needed: this is what the shape tests hold the cluster to.
 */
record ComposeFile(Path root, Map<String, Object> document) {

    /** The file at the repository's root, found from this module's directory upwards. */
    static ComposeFile ofRepository() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docker-compose.yml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
        }
        return new ComposeFile(dir, yaml(dir.resolve("docker-compose.yml")));
    }

    /** A YAML file: a map of its top-level keys. */
    static Map<String, Object> yaml(Path file) {
        var options = new LoaderOptions();
        options.setMaxAliasesForCollections(500);   // the compose file shares its settings by anchors
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml(options).load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** Every service, by name. */
    Map<String, Map<String, Object>> services() {
        return map(document, "services");
    }

    Map<String, Object> service(String name) {
        return Optional.ofNullable(services().get(name)).orElseThrow(() -> new AssertionError("no service " + name));
    }

    /** The services that `docker compose up` starts: those in no profile. */
    Stream<Map.Entry<String, Map<String, Object>>> defaultServices() {
        return services().entrySet().stream().filter(service -> !service.getValue().containsKey("profiles"));
    }

    /** Which of chatpipe's modules a service runs (its build argument MODULE), if it is one of them. */
    static Optional<String> module(Map<String, Object> service) {
        return Optional.ofNullable(map(service, "build").get("args"))
                .map(args -> (Object) ((Map<?, ?>) args).get("MODULE")).map(String::valueOf);
    }

    /** The Dockerfile a service is built from, or "" for an image pulled as it is. */
    static String dockerfile(Map<String, Object> service) {
        return String.valueOf(map(service, "build").getOrDefault("dockerfile", ""));
    }

    static Map<String, String> environment(Map<String, Object> service) {
        var environment = new java.util.LinkedHashMap<String, String>();
        map(service, "environment").forEach((key, value) -> environment.put(key, String.valueOf(value)));
        return environment;
    }

    static List<String> list(Map<String, Object> service, String key) {
        Object value = service.get(key);
        if (value == null) {
            return List.of();
        }
        return ((List<?>) value).stream().map(String::valueOf).toList();
    }

    /** A service's volumes as written: a string in the short syntax, a map in the long one. */
    static List<Object> volumes(Map<String, Object> service) {
        Object value = service.get("volumes");
        return value == null ? List.of() : List.copyOf((List<?>) value);
    }

    /** The host file mounted at a path of a service's container. */
    Path mounted(String service, String containerPath) {
        return list(service(service), "volumes").stream()
                .map(volume -> volume.split(":"))
                .filter(parts -> parts.length >= 2 && parts[1].equals(containerPath) && parts[0].startsWith("./"))
                .map(parts -> root.resolve(parts[0]).normalize())
                .findFirst().orElseThrow(() -> new AssertionError(service + " mounts no file at " + containerPath));
    }

    @SuppressWarnings("unchecked")
    static <V> Map<String, V> map(Map<String, ?> parent, String key) {
        Object value = parent.get(key);
        return value == null ? Map.of() : (Map<String, V>) value;
    }
}
