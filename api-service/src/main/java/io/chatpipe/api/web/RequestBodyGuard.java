package io.chatpipe.api.web;

import io.chatpipe.api.config.ApiProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Checks request bodies as they are read. One over {@code chatpipe.api.limits.max-request-body} is refused with
 * 413: at once when its Content-Length says so, and as soon as the limit is passed when it is streamed without
 * one, so that the service never reads a huge body into memory. A JSON body (in UTF-8, as RFC 8259 requires,
 * unless it declares another charset) that is not well-formed UTF-8 is refused with 400 at its first bad byte.
 */
@Component
class RequestBodyGuard extends OncePerRequestFilter {

    private final long maxBytes;
    private final HandlerExceptionResolver problems;

    RequestBodyGuard(ApiProperties properties,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        this.maxBytes = properties.limits().maxRequestBody().toBytes();
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            // answered through the MVC exception handlers, so the 413 is the same problem body as any other
            problems.resolveException(request, response, null, new RequestBodyTooLargeException(maxBytes));
            return;
        }
        chain.doFilter(new CheckedRequest(request, maxBytes, utf8Json(request.getContentType())), response);
    }

    /** Whether the body is JSON that must be UTF-8: a JSON media type without a charset, or with UTF-8. */
    static boolean utf8Json(String contentType) {
        if (contentType == null) {
            return false;
        }
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (InvalidMediaTypeException e) {
            return false;   // refused as unsupported by the handler, if it takes a body at all
        }
        boolean json = MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json");
        Charset charset;
        try {
            charset = type.getCharset();
        } catch (IllegalArgumentException e) {
            return json;   // an unknown charset: the reader refuses it, or it is read as UTF-8
        }
        return json && (charset == null || charset.equals(StandardCharsets.UTF_8));
    }

    private static final class CheckedRequest extends HttpServletRequestWrapper {

        private final long maxBytes;
        private final boolean utf8;
        private CheckedInputStream body;

        CheckedRequest(HttpServletRequest request, long maxBytes, boolean utf8) {
            super(request);
            this.maxBytes = maxBytes;
            this.utf8 = utf8;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (body == null) {
                body = new CheckedInputStream(super.getInputStream(), maxBytes, utf8 ? new Utf8Check() : null);
            }
            return body;
        }
    }

    private static final class CheckedInputStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long maxBytes;
        private final Utf8Check utf8;
        private final byte[] one = new byte[1];
        private long read;

        CheckedInputStream(ServletInputStream in, long maxBytes, Utf8Check utf8) {
            this.in = in;
            this.maxBytes = maxBytes;
            this.utf8 = utf8;
        }

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                read += n;
                if (read > maxBytes) {
                    throw new RequestBodyTooLargeException(maxBytes);
                }
                long invalid = utf8 == null ? -1 : utf8.update(buffer, offset, n);
                if (invalid >= 0) {
                    throw new InvalidUtf8Exception(invalid);
                }
            } else if (n < 0 && utf8 != null && !utf8.complete()) {
                throw new InvalidUtf8Exception(utf8.offset());
            }
            return n;
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
