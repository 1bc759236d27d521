"""Results, free-text tagging, the responses export and "we asked, you said, we did".

``urlpatterns`` join the public namespace "engagement" (/have-your-say/);
``staff_urlpatterns`` join "engagement-staff" (/staff/engagement/, behind the staff MFA gate).
"""

from __future__ import annotations

urlpatterns: list = []

staff_urlpatterns: list = []
