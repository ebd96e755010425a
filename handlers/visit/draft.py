"""What /visit has gathered so far, kept under "visit" in the rep's dialog data so a restart resumes it.

The field names are the JSON keys earlier releases wrote, so a draft begun before an upgrade loads.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.enums import VisitKind, VisitOutcome
from bot.services.visits import CheckIn, NewVisit
from handlers.common.dialogs import Draft


class VisitDraft(Draft):
    KEY = "visit"

    customer_id: int | None = None
    customer_name: str = ""
    kind: VisitKind | None = None
    outcome: VisitOutcome | None = None
    notes: str | None = None
    photo: str | None = None
    voice: str | None = None
    # The check-in: where the rep stood and how far from the customer (None: no stored location).
    lat: float | None = None
    lon: float | None = None
    acc: float | None = None
    distance: float | None = None
    adopt: bool = False
    checkin_skipped: bool = False
    follow_up: datetime | None = None
    # On the summary: each step changed from there returns to it.
    editing: bool = False

    @property
    def on_site(self) -> bool:
        return self.kind is VisitKind.ON_SITE

    @property
    def needs_checkin(self) -> bool:
        """On site, and neither checked in nor skipped yet."""
        return self.on_site and self.lat is None and not self.checkin_skipped

    def checked_in(self, check_in: CheckIn) -> None:
        self.lat, self.lon, self.acc = check_in.latitude, check_in.longitude, check_in.accuracy_m
        self.distance = check_in.distance_m
        self.checkin_skipped = False

    def drop_checkin(self) -> None:
        self.lat = self.lon = self.acc = self.distance = None
        self.adopt = False

    def for_save(self) -> NewVisit | None:
        """The visit to store, or None when a step is missing (a Save left from an older dialog)."""
        if self.customer_id is None or self.kind is None or self.outcome is None:
            return None
        check_in = (
            CheckIn(self.lat, self.lon, self.acc, self.distance)
            if self.lat is not None and self.lon is not None
            else None
        )
        return NewVisit(
            customer_id=self.customer_id,
            kind=self.kind,
            outcome=self.outcome,
            notes=self.notes or None,
            photo_file_id=self.photo,
            voice_file_id=self.voice,
            check_in=check_in,
            adopt_location=self.adopt,
            follow_up_at=self.follow_up,
        )
