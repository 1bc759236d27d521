"""Entering paper, phone and assisted responses (hub staff and council staff), and who is
responding (staff).

``urlpatterns`` join the public namespace "engagement" (/have-your-say/);
``staff_urlpatterns`` join "engagement-staff" (/staff/engagement/, behind the staff MFA gate).
"""

from __future__ import annotations

urlpatterns: list = []

staff_urlpatterns: list = []
