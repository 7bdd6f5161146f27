"""The smallest WSGI app: bench/load.sh serves it with the same server and settings as the site,
so the site's requests per second can be read as a share of what the server itself can do."""

BODY = b"Hello, world!\n"


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))])
    return [BODY]
