package io.chatpipe.worker.openfire;

import io.chatpipe.worker.config.ConditionalOnBackend;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.dispatch.DeliveryException;
import java.io.IOException;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Openfire's REST API plugin (igniterealtime/openfire-restAPI-plugin), over a pooled OkHttp client:
 * JSON in and out, the plugin's shared secret as the {@code Authorization} header. The answer's status
 * is returned for the caller to read; errors come as the plugin's ErrorResponse,
 * {@code {"resource":..,"message":..,"exception":"UserAlreadyExistsException"}}.
 */
@Component
@ConditionalOnBackend(Backend.OPENFIRE)
class OpenfireRestApi implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(OpenfireRestApi.class);

    private static final MediaType JSON = MediaType.get("application/json");

    private static final JsonMapper MAPPER = new JsonMapper();

    private final HttpUrl apiUrl;

    /** Never logged. */
    private final String secret;

    private final OkHttpClient http;

    OpenfireRestApi(WorkerProperties properties) {
        WorkerProperties.Openfire openfire = properties.openfire();
        this.apiUrl = HttpUrl.get(openfire.apiUrl().toString());
        this.secret = openfire.secret();
        this.http = new OkHttpClient.Builder()
                .connectTimeout(openfire.connectTimeout())
                .callTimeout(openfire.callTimeout())
                .followRedirects(false)
                .retryOnConnectionFailure(false)
                .build();
    }

    /** An answer: its status and its body (null when empty). */
    record Answer(int status, JsonNode body) {

        /** The plugin's exception name, such as UserAlreadyExistsException, or "". */
        String exception() {
            return body == null ? "" : body.path("exception").asString("");
        }

        String reason(String what) {
            String message = body == null ? "" : ": " + body.path("message").asString("") + " " + exception();
            return what + " answered " + status + message.stripTrailing();
        }
    }

    Answer get(List<String> path) throws DeliveryException {
        return call("GET", path, null);
    }

    Answer post(List<String> path, Object json) throws DeliveryException {
        return call("POST", path, json);
    }

    Answer put(List<String> path, Object json) throws DeliveryException {
        return call("PUT", path, json);
    }

    Answer delete(List<String> path) throws DeliveryException {
        return call("DELETE", path, null);
    }

    private Answer call(String method, List<String> path, Object json) throws DeliveryException {
        HttpUrl.Builder url = apiUrl.newBuilder();
        path.forEach(url::addPathSegment);
        var request = new Request.Builder()
                .url(url.build())
                .header("Accept", "application/json")
                .method(method, json == null ? null : RequestBody.create(MAPPER.writeValueAsString(json), JSON));
        if (secret != null && !secret.isBlank()) {
            request.header("Authorization", secret);
        }
        String what = method + " " + String.join("/", path);
        try (Response response = http.newCall(request.build()).execute()) {
            String body = response.body().string();
            log.debug("{} -> {}", what, response.code());
            if (response.code() == 401 || response.code() == 403) {
                throw new DeliveryException.Auth(what + " answered " + response.code()
                        + ": is chatpipe.worker.openfire.secret the plugin's secret?");
            }
            if (response.code() >= 500) {
                throw new DeliveryException.Transient(what + " answered " + response.code());
            }
            return new Answer(response.code(), body.isBlank() ? null : MAPPER.readTree(body));
        } catch (IOException e) {
            throw new DeliveryException.Transient(what + " failed: " + e, e);
        } catch (JacksonException e) {
            throw new DeliveryException.Transient(what + " answered something not JSON", e);
        }
    }

    @Override
    public void destroy() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
