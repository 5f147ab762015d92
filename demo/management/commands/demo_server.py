"""python manage.py demo_server [addrport] — Django's development server for `make demo`, whose last lines
are the demo's address and accounts (printed once it listens, after Django's own lines)."""

from django.core.management.commands.runserver import Command as RunserverCommand

from demo.servers import DemoServer

from .seed_demo import welcome


class Command(RunserverCommand):
    help = "Serve the demo with Django's development server, ending with where it is and how to sign in."
    server_cls = DemoServer  # answers without Nagle's 40 ms wait (demo/servers.py)

    def on_bind(self, server_port):
        self.stdout.write("The demo's development server (not for production) is listening; CONTROL-C stops it.")
        self.stdout.write("")
        welcome(self.stdout)
