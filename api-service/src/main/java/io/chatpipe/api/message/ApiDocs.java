package io.chatpipe.api.message;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.chatpipe.api.web.FieldProblem;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import java.net.URI;
import java.util.List;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI description's header, served at {@code /v3/api-docs} (springdoc reads the controllers for the rest). */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(info = @Info(title = "chatpipe api-service", version = "v1",
        description = "Chat messages into Kafka over REST. Every 4xx/5xx is an RFC 9457 problem "
                + "(application/problem+json) whose `errors` name the fields at fault."))
@SecurityScheme(name = ApiDocs.API_KEY, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An application's API key: 'Authorization: Bearer <key>'. Required when "
                + "chatpipe.api.auth.required is true (the local stack prints its key); answers then carry "
                + "X-RateLimit-Limit/Remaining/Reset, and 429 with Retry-After past the key's rate limit.")
class ApiDocs {

    static final String API_KEY = "apiKey";

    /** What every refusal looks like on the wire (Spring's ProblemDetail, its properties inlined). */
    @Schema(name = "Problem", description = "RFC 9457 problem details (application/problem+json)")
    record Problem(URI type, String title, int status, String detail, URI instance,
            @Schema(description = "The fields at fault, when the request's content is") List<FieldProblem> errors) {
    }

    /** A batch of which Kafka took nothing: the problem, and every message's result. */
    @Schema(name = "BatchProblem", description = "RFC 9457 problem details with the batch's results")
    record BatchProblem(URI type, String title, int status, String detail, URI instance, int accepted, int rejected,
            List<BatchResponse.Item> results) {
    }
}
