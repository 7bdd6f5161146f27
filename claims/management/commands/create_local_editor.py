import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from claims.roles import EDITORS_GROUP


class Command(BaseCommand):
    help = (
        "Create (or reset) a local editor account in the Editors group and print how to log in. "
        "For local use only: the password is new on every run."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="editor")
        parser.add_argument("--address", default="http://127.0.0.1:8000")

    def handle(self, *args, username: str, address: str, **options) -> None:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_staff = True
        user.is_superuser = False
        user.save()
        user.groups.add(Group.objects.get(name=EDITORS_GROUP))
        verb = "created" if created else "reset the password of"
        self.stdout.write(self.style.SUCCESS(f"{verb} the local editor account"))
        self.stdout.write(f"  log in at {address}/admin/")
        self.stdout.write(f"  username: {username}")
        self.stdout.write(f"  password: {password}")
