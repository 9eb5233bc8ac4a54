"""Who may see what, stated in one place.

Every list starts from a queryset restricted with `.visible_to(user)`, and every object page
fetches through `get_visible_or_404`, so an outsider gets the same 404 as for a missing object.
The rules, by role:

- The municipality is the outer boundary (accounts.Municipality): apart from a superuser and a
  supervisor's own placements, no rule below reaches another municipality's case files, not even
  break-glass; a user without a municipality opens none.
- Coordinators see the participants of their own team, those participants' placements and
  follow-ups, and the workplaces and needs of their municipality's register: its own (local)
  employers and the regional employers of its region, and the needs their municipality may use (a
  regional employer's needs only where published to it: workplaces.Need.offered_to), and the
  supervisors of those workplaces.
  Someone outside the team they reach only through break-glass: a stated reason, logged, flagged
  for review, valid a few hours (BreakGlassGrant).
- Supervisors see only the placements they supervise, the participants in them, and their own
  workplace, needs and supervisor record.
- Managers see aggregates only (of their municipality: `municipality_scope`): no participant,
  placement or follow-up; their municipality's workplaces and needs (not personal data, the same
  register as a coordinator's) are readable for context.
- Regional managers see the aggregated figures of their region's municipalities, side by side
  with the region's totals (`reporting_municipalities`), and nothing else: no case file, no
  register, no municipality outside their region.
- Administrators (and the data protection officer, who has that role) handle data-subject
  requests: the register extract and erasure on request of anyone in their municipality
  (`data_subject_scope`, `erasure_scope`); a coordinator may produce the extract of their own team's
  participants. In Django's admin they manage their municipality's users and teams, reference data,
  integration users' API tokens and lock-outs, and search the access log (ADMINISTRATOR_PERMISSIONS):
  no case file, placement or follow-up is among them, and a role that opens one needs a second
  administrator (accounts.admin).
- Anyone else, and anonymous users, see nothing. Superusers (system administration) see all.

The rules name the fields of higher apps' models as lookup strings and load models through the
app registry, so this module imports no higher app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from .models import BreakGlassGrant, Municipality, Role, User

M = TypeVar("M", bound=models.Model)

# The model permissions of the Administrator group in Django's admin, kept in step with this list at
# every `migrate` (accounts.apps). Users are deactivated, not deleted (the access log names them), and
# reference data rows other rows point to are not deleted either. Case files are not here: the
# admin's participant, placement and follow-up pages are for superusers (system administration).
ADMINISTRATOR_PERMISSIONS = (
    "accounts.add_user",
    "accounts.change_user",
    "accounts.view_user",
    "accounts.add_team",
    "accounts.change_team",
    "accounts.view_team",
    "accounts.view_accesslogentry",
    # Tokens only for integration users, created and revoked, never changed; keys shown once (accounts.tokens).
    "accounts.add_apitoken",
    "accounts.view_apitoken",
    # Roles that open case files: asked for by one administrator, decided by another.
    "accounts.add_rolegrant",
    "accounts.view_rolegrant",
    "accounts.decide_rolegrant",
    "accounts.view_adminauditentry",
    "axes.view_accessattempt",
    "axes.delete_accessattempt",  # lifts a lock-out
    *(
        f"taxonomy.{action}_{model}"
        for model in ("district", "jobtrack", "language", "occupation", "placementtype", "prerequisite")
        for action in ("add", "change", "view")
    ),
    # Synonyms of occupations: nothing points at one, so an administrator may delete it too.
    *(f"taxonomy.{action}_occupationsynonym" for action in ("add", "change", "delete", "view")),
    # Their municipality's own weights (placements.admin): added once, then changed.
    "placements.add_matchingweights",
    "placements.change_matchingweights",
    "placements.view_matchingweights",
    "supervisors.add_trainingcourse",
    "supervisors.change_trainingcourse",
    "supervisors.view_trainingcourse",
)

NOTHING = Q(pk__in=[])
EVERYTHING = Q()

AnyUser = User | AnonymousUser


def _roles(user: AnyUser) -> frozenset[Role]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return user.roles


def _supervised_placements(user: AnyUser) -> models.QuerySet[Any]:
    Placement = apps.get_model("placements", "Placement")
    return Placement.objects.filter(supervisor__user=user.pk)  # type: ignore[no-any-return]  # get_model is untyped


def _is_superuser(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _team_of_coordinator(user: AnyUser) -> int | None:
    """The team whose case files the user opens as its coordinator, if any."""
    if Role.COORDINATOR in _roles(user) and user.team_id:  # type: ignore[union-attr]  # a user with a role is a User
        return user.team_id  # type: ignore[union-attr]  # a user with a role is a User
    return None


def _case_file_scope(user: AnyUser, *, participant_lookup: str, supervised: Callable[[], Q]) -> Q:
    """Case files: a coordinator's own team, within their municipality; a supervisor's own placements
    (`supervised`). `participant_lookup` names the row's participant."""
    if _is_superuser(user):
        return EVERYTHING
    scope = NOTHING
    team_id = _team_of_coordinator(user)
    municipality_id = _municipality_of(user)
    if team_id and municipality_id:
        scope |= Q(
            **{f"{participant_lookup}__team_id": team_id, f"{participant_lookup}__municipality_id": municipality_id}
        )
    if Role.SUPERVISOR in _roles(user):
        scope |= supervised()
    return scope


def _unexpired_grants(user: AnyUser) -> models.QuerySet[BreakGlassGrant]:
    """The user's break-glass grants that have not expired by now, of the user's municipality (a
    grant's own key, its case file's): a row keyed elsewhere opens nothing. The rules that use them
    hold the case file to the municipality too."""
    return BreakGlassGrant.objects.filter(municipality_scope(user), user=user.pk, expires_at__gt=timezone.now())


@dataclass(frozen=True)
class ParticipantReach:
    """Whom a user may open among participants (case files), as data: everyone (a superuser); within
    the user's municipality, the participants of one team (a coordinator's own) and single people
    (`granted`: a coordinator's unexpired break-glass grants); and the participants of the placements
    they supervise (`others`). Never a pseudonymised case file.

    The municipality is the outer boundary: a team or a grant never reaches past it, not even a grant
    row that names another municipality's participant. A supervisor's own placements are exempt: they
    are need-to-know by construction, and an employer may later take placements of several
    municipalities (regional employers).

    The rule stated once, in two forms that cannot drift apart: `q()` for querysets
    (`participant_scope`), `select()` over arrays of every participant (placements.matching, which
    keeps municipality, team and pseudonymisation in memory and so asks nothing that grows with the
    participants). The id sets are built as querysets when the reach is used (`q()`, `select()`): a
    grant counts until it expires, however long the reach is kept."""

    everyone: bool = False
    municipality_id: int | None = None
    team_id: int | None = None
    # Each builds a flat values_list of participant ids; granted ones count within the municipality.
    granted: tuple[Callable[[], models.QuerySet[Any]], ...] = ()
    others: tuple[Callable[[], models.QuerySet[Any]], ...] = ()

    def q(self) -> Q:
        if self.everyone:
            scope = EVERYTHING
        else:
            scope = NOTHING  # not EVERYTHING: an empty Q combined with another would be that other
            if self.municipality_id and (self.team_id or self.granted):
                within = NOTHING
                if self.team_id:
                    within |= Q(team_id=self.team_id)
                for ids in self.granted:
                    within |= Q(pk__in=ids())
                scope |= within & Q(municipality_id=self.municipality_id)
            for ids in self.others:
                scope |= Q(pk__in=ids())
        # A pseudonymised case file identifies no one and is no one's to open; it stays for statistics.
        return scope & Q(pseudonymised_at__isnull=True)

    @staticmethod
    def _ids(querysets: tuple[Callable[[], models.QuerySet[Any]], ...]) -> set[int]:
        found: set[int] = set()
        for ids in querysets:
            found.update(ids())
        return found

    def other_ids(self) -> set[int]:
        """The single people besides the team (granted and supervised): one small query per kind, of
        the user's own rows. Granted ones still count only within the municipality."""
        return self._ids(self.granted) | self._ids(self.others)

    def select(
        self, *, ids: np.ndarray, municipality: np.ndarray, team: np.ndarray, pseudonymised: np.ndarray
    ) -> np.ndarray:
        """Which of the participants given as arrays (id, municipality id, team id, pseudonymised; one
        row each) the user may open, as a boolean mask: the same rule as `q()`."""
        if self.everyone:
            selected = np.ones(len(ids), dtype=bool)
        else:
            selected = np.zeros(len(ids), dtype=bool)
            if self.municipality_id and (self.team_id or self.granted):
                within = np.zeros(len(ids), dtype=bool)
                if self.team_id:
                    within |= team == self.team_id
                granted = self._ids(self.granted)
                if granted:
                    within |= np.isin(ids, np.fromiter(granted, dtype=np.int64, count=len(granted)))
                selected |= within & (municipality == self.municipality_id)
            others = self._ids(self.others)
            if others:
                selected |= np.isin(ids, np.fromiter(others, dtype=np.int64, count=len(others)))
        mask: np.ndarray = selected & ~pseudonymised
        return mask


def _municipality_of(user: AnyUser) -> int | None:
    return user.municipality_id if user.is_authenticated else None


def participant_reach(user: AnyUser) -> ParticipantReach:
    """Whom the user may open among participants: by role, plus a coordinator's unexpired
    break-glass grants (opened outside the team with a stated reason, logged), within the municipality."""
    if _is_superuser(user):
        return ParticipantReach(everyone=True)
    roles = _roles(user)
    others: list[Callable[[], models.QuerySet[Any]]] = []
    granted: list[Callable[[], models.QuerySet[Any]]] = []
    if Role.SUPERVISOR in roles:
        others.append(lambda: _supervised_placements(user).values_list("participant_id", flat=True))
    if Role.COORDINATOR in roles:
        granted.append(lambda: _unexpired_grants(user).values_list("participant_id", flat=True))
    return ParticipantReach(
        municipality_id=_municipality_of(user),
        team_id=_team_of_coordinator(user),
        granted=tuple(granted),
        others=tuple(others),
    )


def database_municipalities(user: AnyUser) -> frozenset[int] | None:
    """Which municipalities' case-file rows the database lets the user's requests read at all
    (PostgreSQL row-level security, `accounts.tenancy`): the outer bound under the rules above, never
    a right to open anything. None: every municipality's, for a superuser (who sees all here too).
    Otherwise the user's own municipality, for a regional manager every municipality of the region,
    and, for a supervisor, the municipalities of the participants in the placements they supervise
    (a supervisor's own placements reach past the municipality, `ParticipantReach`). Anonymous or
    inactive users, and users without a municipality who supervise nothing: none."""
    if _is_superuser(user):
        return None
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    municipalities = {user.municipality_id} if user.municipality_id else set()
    roles = _roles(user)
    if Role.REGIONAL_MANAGER in roles and user.region_id:
        # The figures of every municipality of the region are computed from their case files' rows
        # (reporting_municipalities); the rules above still open none of them.
        municipalities.update(Municipality.objects.filter(region_id=user.region_id).values_list("pk", flat=True))
    if Role.SUPERVISOR in roles:
        # The placements' own key (their participant's): no join through the case files. Read in
        # the system context (accounts.tenancy._municipalities_of), also for an API request, which
        # works this out under the anonymous bound it began with (api.base.ApiViewMixin.initial).
        supervised = _supervised_placements(user).values_list("municipality_id", flat=True)
        municipalities.update(supervised.order_by().distinct())
    return frozenset(municipalities)


def participant_scope(user: AnyUser) -> Q:
    """Participants (case files) the user may open (`participant_reach`), as a filter."""
    return participant_reach(user).q()


def municipality_scope(user: AnyUser, *, lookup: str = "municipality_id") -> Q:
    """The rows of the user's own municipality (`lookup` names the row's municipality key): a
    superuser's are all, a user without a municipality has none. The outer bound of what a manager's
    figures count and of the identity-number lookup; not itself a right to open anything."""
    if _is_superuser(user):
        return EVERYTHING
    municipality_id = _municipality_of(user)
    return Q(**{lookup: municipality_id}) if municipality_id else NOTHING


def account_scope(user: AnyUser) -> Q:
    """The accounts (rows of `User`) an administrator works on: their own municipality's; a
    superuser's all. What the admin lists, what its forms offer and what the account services accept."""
    return municipality_scope(user)


def account_record_scope(user: AnyUser) -> Q:
    """The rows an administrator's work on accounts leaves, by their own key (`municipality`): role
    requests and API tokens (their team's or user's municipality) and the administration log
    (`admin_audit_scope`). Their own municipality's; a superuser's all, also the installation's
    (no municipality)."""
    return municipality_scope(user)


def login_lockout_scope(user: AnyUser) -> Q:
    """Failed logins and lock-outs (django-axes' attempts, kept by user name) an administrator reads
    and lifts: those of their municipality's accounts (`account_scope`) and of the supervisors it sees
    (`supervisor_scope`: a supervisor's account belongs to no municipality); a superuser's all, also
    of names that are no account."""
    if _is_superuser(user):
        return EVERYTHING
    Supervisor = apps.get_model("supervisors", "Supervisor")
    supervisors = Supervisor.objects.filter(supervisor_scope(user), user__isnull=False).values("user__username")
    return Q(username__in=User.objects.filter(account_scope(user)).values("username")) | Q(username__in=supervisors)


def access_log_scope(user: AnyUser) -> Q:
    """The access-log entries the user reads (the monthly review, the admin's list and its export):
    those about their municipality's case files, by the entry's own key (the case file's, whoever
    read it: AccessLogEntry.municipality), so also after the case file is erased; a superuser's all;
    a user of no municipality none."""
    return municipality_scope(user)


def admin_audit_scope(user: AnyUser) -> Q:
    """The administration log's entries the user reads: their municipality's administration (acts on
    its accounts, or by them on accounts of no municipality: AdminAuditEntry.municipality), as it was
    when the act was logged; a superuser's all."""
    return account_record_scope(user)


def reporting_municipalities(user: AnyUser) -> Q:
    """The municipalities (rows of accounts.Municipality) whose aggregated figures the user sees: a
    manager their own; a regional manager every one of their region, side by side; a superuser all.
    Figures only, through reporting.disclosure: never a right to open a case file."""
    if _is_superuser(user):
        return EVERYTHING
    roles = _roles(user)
    scope = NOTHING
    if Role.MANAGER in roles and _municipality_of(user):
        scope |= Q(pk=_municipality_of(user))
    region_id = user.region_id if user.is_authenticated else None
    if Role.REGIONAL_MANAGER in roles and region_id:
        scope |= Q(region_id=region_id)
    return scope


def reporting_region(user: AnyUser) -> int | None:
    """The region whose municipalities' figures (side by side, with the region's totals) the user
    sees as a regional manager, if any."""
    if Role.REGIONAL_MANAGER in _roles(user):
        return user.region_id  # type: ignore[union-attr]  # a user with a role is a User
    return None


def identity_lookup_scope(user: AnyUser) -> Q:
    """Where break-glass, which starts from a hit of the exact identity-number lookup, may reach: the
    user's municipality, never the register of another. A superuser: everywhere. (The lookup itself
    asks the register of the user's municipality through participants.duplicates, as the intake form
    and the import do: identity numbers are unique per municipality, so a superuser's "everywhere"
    could hold the person twice.)"""
    return municipality_scope(user)


def data_subject_scope(user: AnyUser) -> Q:
    """Whose register extract (GDPR art. 15) the user may produce: an administrator (or the data
    protection officer, who has that role) anyone's in their municipality, a coordinator their own
    team's participants (not those opened by break-glass). Pseudonymised case files identify no one
    and are left out."""
    roles = _roles(user)
    municipality_id = _municipality_of(user)
    if _is_superuser(user):
        scope = EVERYTHING
    elif not municipality_id:
        scope = NOTHING
    elif Role.ADMINISTRATOR in roles:
        scope = Q(municipality_id=municipality_id)
    elif Role.COORDINATOR in roles and user.team_id:  # type: ignore[union-attr]  # a user with a role is a User
        scope = Q(team_id=user.team_id, municipality_id=municipality_id)  # type: ignore[union-attr]  # a user with a role is a User
    else:
        scope = NOTHING
    return scope & Q(pseudonymised_at__isnull=True)


def erasure_scope(user: AnyUser) -> Q:
    """Whose case file the user may erase on request (GDPR art. 17): administrators only, in their
    municipality."""
    if _is_superuser(user):
        return Q(pseudonymised_at__isnull=True)
    municipality_id = _municipality_of(user)
    if Role.ADMINISTRATOR in _roles(user) and municipality_id:
        return Q(municipality_id=municipality_id, pseudonymised_at__isnull=True)
    return NOTHING


def placement_scope(user: AnyUser) -> Q:
    """Placements the user may open."""
    return _case_file_scope(user, participant_lookup="participant", supervised=lambda: Q(supervisor__user=user.pk))


def follow_up_scope(user: AnyUser) -> Q:
    """Follow-ups belong to placements: the same rule, one step further."""
    return _case_file_scope(
        user, participant_lookup="placement__participant", supervised=lambda: Q(placement__supervisor__user=user.pk)
    )


# Workplaces, organisations and needs are the municipality's shared register, not case files.
SHARED_REGISTER_ROLES = frozenset({Role.COORDINATOR, Role.MANAGER, Role.ADMINISTRATOR})


def _register_scope(user: AnyUser, *, own_workplace_lookup: str, staff: Callable[[int], Q]) -> Q:
    """Staff see their municipality's register (`staff`, given the municipality id); a supervisor
    sees what belongs to their own workplace, whichever municipality it serves; a superuser all."""
    roles = _roles(user)
    if _is_superuser(user):
        return EVERYTHING
    scope = NOTHING
    municipality_id = _municipality_of(user)
    if roles & SHARED_REGISTER_ROLES and municipality_id:
        scope |= staff(municipality_id)
    if Role.SUPERVISOR in roles:
        scope |= Q(**{own_workplace_lookup: user.pk})
    return scope


def register_scope_repeats(user: AnyUser) -> bool:
    """Whether the user's register scope joins rows that can repeat one (a supervisor's, through the
    workplace's supervisors): the lists then ask for DISTINCT."""
    return not _is_superuser(user) and Role.SUPERVISOR in _roles(user)


def employers_of(municipality_ids: Iterable[int], *, prefix: str = "") -> Q:
    """The organisations in the registers of these municipalities: each one's own (local), and the
    regional employers of its region. A regional employer is shown whole to every municipality of its
    region, whichever of its needs are published to which: name, workplaces and contacts are no one's
    personal data, and a coordinator finds the employer before the need (which `need_scope` alone
    decides). For one municipality, what its staff's register holds (the scopes below); for several,
    whose suppliers' contracts a report of them lists (a region's: reporting.services.suppliers)."""
    ids = list(municipality_ids)
    regions = Municipality.objects.filter(pk__in=ids, region__isnull=False).values("region_id")
    return Q(**{f"{prefix}municipality_id__in": ids}) | Q(**{f"{prefix}region_id__in": regions})


def _employers_of(municipality_id: int, *, prefix: str = "") -> Q:
    """The organisations in one municipality's register (`employers_of`)."""
    return employers_of([municipality_id], prefix=prefix)


def workplace_scope(user: AnyUser) -> Q:
    return _register_scope(
        user,
        own_workplace_lookup="supervisors__user",
        staff=lambda municipality_id: _employers_of(municipality_id, prefix="organisation__"),
    )


def organisation_scope(user: AnyUser) -> Q:
    return _register_scope(user, own_workplace_lookup="workplaces__supervisors__user", staff=_employers_of)


def need_scope(user: AnyUser) -> Q:
    """Staff: the needs their municipality may use (workplaces.Need.offered_to, the one definition:
    a local employer's of their municipality, a regional employer's published to it)."""
    Need = apps.get_model("workplaces", "Need")
    return _register_scope(user, own_workplace_lookup="workplace__supervisors__user", staff=Need.offered_to)


def supervisor_scope(user: AnyUser) -> Q:
    """Supervisor records hold contact details: coordinators and administrators see the supervisors
    of the workplaces in their municipality's register (`workplace_scope`: its own employers' and its
    region's regional employers'), a supervisor only their own record."""
    roles = _roles(user)
    if _is_superuser(user):
        return EVERYTHING
    scope = NOTHING
    municipality_id = _municipality_of(user)
    if roles & {Role.COORDINATOR, Role.ADMINISTRATOR} and municipality_id:
        scope |= _employers_of(municipality_id, prefix="workplace__organisation__")
    if Role.SUPERVISOR in roles:
        scope |= Q(user=user.pk)
    return scope


def get_visible_or_404(queryset: models.QuerySet[M], **lookup: object) -> M:
    """Fetch one object from an already restricted queryset; a missing or forbidden one is 404.

    Call it with `Model.objects.visible_to(user)`, never with an unrestricted queryset.
    """
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:  # the model's DoesNotExist is one
        raise Http404 from exc


def journal_scope(user: AnyUser, *, participant_lookup: str = "participant") -> Q:
    """Case notes and tasks (the coordinator's journal on a case file): the team's coordinators, and a
    coordinator with an unexpired break-glass grant for the person. Never a supervisor, not even the
    one of the person's placement (the case file's placement part is theirs, the journal is not), and
    never a manager or an administrator. `participant_lookup` names the row's participant ("" for
    participants themselves: whose journal the user may keep)."""
    prefix = f"{participant_lookup}__" if participant_lookup else ""
    not_pseudonymised = Q(**{f"{prefix}pseudonymised_at__isnull": True})
    if _is_superuser(user):
        return not_pseudonymised
    municipality_id = _municipality_of(user)
    if Role.COORDINATOR not in _roles(user) or not municipality_id:
        return NOTHING
    scope = NOTHING
    if user.team_id:  # type: ignore[union-attr]  # a user with a role is a User
        scope |= Q(**{f"{prefix}team_id": user.team_id})  # type: ignore[union-attr]  # a user with a role is a User
    grants = _unexpired_grants(user)
    scope |= Q(**{f"{participant_lookup}_id__in" if participant_lookup else "pk__in": grants.values("participant_id")})
    # Within the municipality: a grant row naming another municipality's participant opens nothing.
    return scope & Q(**{f"{prefix}municipality_id": municipality_id}) & not_pseudonymised


def may_keep_journal(user: AnyUser) -> bool:
    """Whether the user's role keeps case journals at all (coordinators; superusers): the pages and the
    API answer anyone else 404 before reading anything."""
    return _is_superuser(user) or Role.COORDINATOR in _roles(user)
