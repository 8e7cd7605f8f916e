package io.chatpipe.worker.ejabberd;

import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.dispatch.DeliveryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Credentials;
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
 * ejabberd's admin API (mod_http_api) over one pooled, keep-alive OkHttp client: every command is a
 * POST of its arguments as JSON to {@code {apiUrl}/{command}}, through {@link #call}. Calls are
 * synchronous, made by many delivery threads at once, so many commands are in flight, each on a
 * connection of the pool. The API's credentials (HTTP Basic or an OAuth bearer token, none on
 * loopback) go in the Authorization header and nowhere else.
 */
@Component
class EjabberdApi implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EjabberdApi.class);

    private static final MediaType JSON = MediaType.get("application/json");

    private static final JsonMapper MAPPER = new JsonMapper();

    private final HttpUrl apiUrl;

    private final OkHttpClient http;

    /** Never logged. */
    private final String authorization;

    EjabberdApi(WorkerProperties properties) {
        WorkerProperties.Ejabberd ejabberd = properties.ejabberd();
        this.apiUrl = HttpUrl.get(ejabberd.apiUrl().toString());
        this.authorization = authorization(ejabberd.auth());
        this.http = new OkHttpClient.Builder()
                // commands come from many conversations at once, each on a keep-alive connection
                .connectionPool(new ConnectionPool(ejabberd.maxIdleConnections(), 5, TimeUnit.MINUTES))
                .connectTimeout(ejabberd.connectTimeout())
                // each wait on ejabberd is bounded, not the call as a whole: a call timeout would also put every
                // call into okio's one queue of timeouts and take it out again (okio takes the queue's lock at
                // the end of every call and every read and write either way: 8% of the worker's CPU, measured)
                .writeTimeout(ejabberd.replyTimeout())
                .readTimeout(ejabberd.replyTimeout())
                .followRedirects(false)
                // our own retries keep order and record each attempt; OkHttp's would hide them
                .retryOnConnectionFailure(false)
                .build();
    }

    /** The Authorization header the configuration asks for: Basic, Bearer, or none (loopback). */
    static String authorization(WorkerProperties.ApiAuth auth) {
        if (auth.basic()) {
            return Credentials.basic(auth.username(), auth.password() == null ? "" : auth.password(),
                    StandardCharsets.UTF_8);
        }
        if (auth.bearer()) {
            return "Bearer " + auth.bearerToken();
        }
        return null;
    }

    <R> R call(EjabberdCommand<R> command) throws DeliveryException {
        var builder = new Request.Builder()
                .url(apiUrl.newBuilder().addPathSegment(command.command()).build())
                .post(RequestBody.create(MAPPER.writeValueAsString(command), JSON));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        Request request = builder.build();
        try (Response response = http.newCall(request).execute()) {
            String body = response.body().string();
            log.debug("{} -> {} {}", command, response.code(), body);
            if (response.code() == 200) {
                return command.result(MAPPER.readTree(body));
            }
            EjabberdError error = error(response.code(), body);
            return command.expected(error).orElseThrow(() -> error.toException(command.command()));
        } catch (IOException e) {
            throw new DeliveryException.Transient(command.command() + " failed: " + e, e);
        } catch (JacksonException e) {
            throw new DeliveryException.Transient(command.command() + " answered something not JSON", e);
        }
    }

    /** mod_http_api's errors: {@code {"status":"error","code":N,"message":"..."}} or a bare JSON string. */
    private static EjabberdError error(int status, String body) {
        try {
            JsonNode json = MAPPER.readTree(body);
            if (json.isObject()) {
                return new EjabberdError(status, json.path("code").asInt(0), json.path("message").asString(body));
            }
            if (json.isString()) {
                return new EjabberdError(status, 0, json.asString());
            }
        } catch (JacksonException e) {
            // not JSON: a proxy or a crash page; the raw body is the best reason there is
        }
        return new EjabberdError(status, 0, body);
    }

    @Override
    public void destroy() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
