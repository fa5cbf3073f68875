"""All three simulators together, wired like the real world: NFON click-to-dial rings the phone.

Used by `ctidesk sim`, by `ctidesk --demo` and by end-to-end tests, so the three are always
started and connected the same way.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from ctidesk.sim.nfon import NfonSimulator, OriginateRefused
from ctidesk.sim.phone import PhoneSimulator
from ctidesk.sim.zammad import ZammadSimulator

DEMO_CALLERS: list[tuple[str, str]] = [
    ("+49 89 99998 123", "Maria Huber"),
    ("+43 1 5123456", "Stefan Mayr"),
    ("+49 711 1234567", ""),
    ("+49 30 5550199", ""),
    ("+49 40 66969456", "Anna Schmidt"),
]
"""Callers of the demo: most are customers seeded in the Zammad simulator, two are unknown."""


@dataclass
class SimulatorSuite:
    """Phone, Zammad and NFON simulators on 127.0.0.1 (ports chosen by the OS unless given)."""

    phone_profile: str = "gxp"
    phone_port: int = 0
    zammad_port: int = 0
    nfon_port: int = 0
    phone: PhoneSimulator = field(init=False)
    zammad: ZammadSimulator = field(init=False)
    nfon: NfonSimulator = field(init=False)
    _next_caller: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.phone = PhoneSimulator(
            profile=self.phone_profile, port=self.phone_port, passcode=secrets.token_urlsafe(12)
        )
        self.zammad = ZammadSimulator(port=self.zammad_port)
        self.nfon = NfonSimulator(on_originate=self._originate, port=self.nfon_port)

    async def start(self) -> None:
        await self.phone.start()
        await self.zammad.start()
        await self.nfon.start()

    async def stop(self) -> None:
        await self.nfon.stop()
        await self.zammad.stop()
        await self.phone.stop()

    async def _originate(self, caller_extension: str, callee_number: str) -> None:
        """NFON rings the agent's phone first (A side), then dials the callee from it; a phone
        on DND or with every line busy answers SIP 486, which NFON reports as ``busy``."""
        if self.phone.dnd or not any(line.state == "idle" for line in self.phone.lines):
            raise OriginateRefused("busy")
        self.phone.dial(callee_number, via="nfon_cti")

    def ring_demo_caller(self) -> tuple[str, str, int | None]:
        """Ring the phone with the next demo caller; the line is None when DND turned it away."""
        number, name = DEMO_CALLERS[self._next_caller % len(DEMO_CALLERS)]
        self._next_caller += 1
        return number, name, self.phone.ring(number, name)

    def addresses(self) -> dict[str, str]:
        return {
            "phone": self.phone.base_url,
            "phone passcode": self.phone.passcode,
            "zammad": self.zammad.base_url,
            "zammad CTI endpoint": self.zammad.cti_url,
            "zammad agent token": self.zammad.agent_token,
            "nfon issuer": self.nfon.issuer,
            "nfon call history": self.nfon.history_url,
            "nfon CTI": self.nfon.cti_url,
        }
