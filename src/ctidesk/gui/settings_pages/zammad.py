"""The Zammad page: the address, the CTI endpoint URL and the agent's API token, and their test."""

from __future__ import annotations

from ctidesk.config.secrets import SecretName
from ctidesk.gui.settings_pages.addresses import url_problem, valid_http_url
from ctidesk.gui.settings_pages.page import SectionData, SettingsPage


class ZammadPage(SettingsPage):
    section = "zammad"

    def title(self) -> str:
        return self.tr("&Zammad")

    def build(self) -> None:
        self.check(self.tr("Use Zammad"), "enabled")
        self.url = self.line(self.tr("&URL"), "url", self.tr("e.g. https://helpdesk.example.com"))
        self.secret(
            self.tr("&CTI endpoint URL"),
            SecretName.ZAMMAD_CTI_URL,
            self.tr("Admin > Integrations > CTI (generic) > Endpoint; it contains a token"),
        )
        self.secret(
            self.tr("API &token"),
            SecretName.ZAMMAD_API_TOKEN,
            self.tr("Profile > Token Access (ticket.agent)"),
        )
        self.check(self.tr("Send calls to Zammad's caller log"), "forward_events")
        self.test_button("zammad", self.tr("T&est connection"))

    def problems(self, data: SectionData) -> dict[str, str]:
        problem = url_problem(data["url"])
        return {"url": problem} if problem else {}

    def secret_problem(self, name: SecretName, typed: str) -> str:
        problem = super().secret_problem(name, typed)
        if (
            not problem
            and typed
            and name is SecretName.ZAMMAD_CTI_URL
            and (not valid_http_url(typed) or "/api/v1/cti/" not in typed)
        ):
            return self.tr("paste the whole endpoint URL; it contains /api/v1/cti/")
        return problem
