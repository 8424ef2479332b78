#!/bin/sh
# manage.py as the services run it: as user microvideo, with production settings and the
# environment file of the systemd units. Examples (as root or as microvideo):
#   /srv/microvideo/app/deploy/manage.sh migrate
#   /srv/microvideo/app/deploy/manage.sh createsuperuser
set -eu
cd "$(dirname "$0")/.."
ENV_FILE="${ENV_FILE:-/etc/microvideo/microvideo.env}"
RUN_AS="${RUN_AS:-microvideo}"
if [ "$(id -un)" != "$RUN_AS" ]; then
    exec runuser -u "$RUN_AS" -- env ENV_FILE="$ENV_FILE" RUN_AS="$RUN_AS" "$0" "$@"
fi
export DJANGO_SETTINGS_MODULE=config.settings.production
# django-environ reads the file as systemd does (values may hold spaces and <>).
exec .venv/bin/python -c 'import environ, os, sys
environ.Env.read_env(sys.argv[1], overwrite=True)
os.execv(sys.argv[2], sys.argv[2:])' "$ENV_FILE" .venv/bin/python manage.py "$@"
