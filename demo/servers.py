"""Django's development server answering without Nagle's delay: the demo's (`demo_server`) and the tests' live
server (tests/conftest.py).

Django's server (wsgiref) sends a response's head and its body in separate writes. With Nagle's algorithm on,
the body waits until the client acknowledges the head — and a client on Linux delays that acknowledgement by up to
40 ms. Every response took 40 ms more than its work: the API's schema fuzzing, 721 requests, ran 42 s against 14 s
with each connection's TCP_NODELAY set. Production's gunicorn is not concerned."""

import socket

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIServer


class SendsAtOnce:
    """Sets TCP_NODELAY on every connection the server accepts."""

    def get_request(self):
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


class DemoServer(SendsAtOnce, WSGIServer):
    pass


class LiveServer(SendsAtOnce, ThreadedWSGIServer):
    pass
