# Sourced by loadtest/run.sh and loadtest/topology.sh: what both do to the app before the load starts.
# Needs PY, WORK, PARTICIPANTS and the database's environment (DATABASE_URL, and the topology's others).

# Production settings; only what production takes from its environment is supplied here.
export_production_settings() {
  export DJANGO_SETTINGS_MODULE=config.settings.production
  export DJANGO_SECRET_KEY="loadtest-$(openssl rand -hex 32)"
  export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
  export MEDIA_ROOT="$WORK/media"
  export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
  export LOG_LEVEL=WARNING
}

# Migrate, seed the demo with $PARTICIPANTS participants, collect the static files, and write the users the
# simulated users log in as (the demo's coordinators, spread over all of them, supervisors and managers) to
# $WORK/users.json, exported as LOADTEST_USERS_FILE.
prepare_demo() {
  $PY manage.py migrate --noinput -v 0
  if [ -n "${SSYK_FILE:-}" ]; then $PY manage.py load_ssyk "$SSYK_FILE" >/dev/null; fi
  $PY manage.py seed_demo --participants "$PARTICIPANTS"
  $PY manage.py collectstatic --noinput -v 0
  $PY manage.py shell -v 0 -c "
import json
from accounts.models import Role, User
active = User.objects.filter(is_active=True).order_by('username')
users = {
    'coordinator': active.filter(groups__name=Role.COORDINATOR, team__isnull=False),
    'supervisor': active.filter(groups__name=Role.SUPERVISOR, supervisor_profile__isnull=False),
    'manager': active.filter(groups__name=Role.MANAGER),
}
print(json.dumps({role: list(found.values_list('username', flat=True)) for role, found in users.items()}))
" >"$WORK/users.json"
  export LOADTEST_USERS_FILE="$WORK/users.json"
}
