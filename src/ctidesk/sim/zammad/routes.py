"""Zammad's HTTP face for tests and the demo: generic CTI push, caller log, REST subset.

Behaviour follows the Zammad contract (section 7): checks in Zammad's order with its statuses and
bodies, Rails-like parameter parsing, token-authenticated REST endpoints, and JSON or HTML errors
by the ``Accept`` header. The data and rules live in `ctidesk.sim.zammad.state`; faults (delays,
5xx, "down", "apply then drop the reply") are injected with its methods; every request is
recorded.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from ctidesk.sim.zammad.state import (
    DISABLED_ERROR,
    INVALID_DIRECTION_ERROR,
    INVALID_TOKEN_ERROR,
    NOT_CONFIGURED_ERROR,
    OPEN_STATE_TYPES,
    TICKET_STATES,
    ParamsError,
    RecordedRequest,
    ZammadError,
    ZammadState,
    error_id,
    parse_rails_params,
)

HTML_PAGES = {
    401: "<!DOCTYPE html><html><head><title>401: Unauthorized</title></head>"
    "<body><h1>401: Unauthorized</h1></body></html>",
    403: "<!DOCTYPE html><html><head><title>403: Forbidden</title></head>"
    "<body><h1>403: Forbidden</h1></body></html>",
    404: "<!DOCTYPE html><html><head><title>404: Requested resource was not found</title></head>"
    "<body><h1>404: Requested resource was not found</h1></body></html>",
    422: "<!DOCTYPE html><html><head><title>422: Unprocessable Entity</title></head>"
    "<body><h1>422: The change you wanted was rejected.</h1></body></html>",
    500: "<!DOCTYPE html><html><head><title>500: Something went wrong</title></head>"
    "<body><h1>500: We're sorry, but something went wrong.</h1></body></html>",
}

REQUEST_SIZE_LIMIT = 50 * 1024 * 1024
"""Zammad's nginx example configuration: ``client_max_body_size 50M``."""


class ZammadSimulator(ZammadState):
    """An in-process Zammad over aiohttp, bound to 127.0.0.1."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        port: int = 0,
        seed: bool = True,
        elasticsearch: bool = True,
        cti_token: str | None = None,
        agent_token: str | None = None,
    ) -> None:
        self._port = port
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        super().__init__(
            clock=clock,
            seed=seed,
            elasticsearch=elasticsearch,
            cti_token=cti_token,
            agent_token=agent_token,
        )

    # ------------------------------------------------------------------ lifecycle

    @property
    def cti_path(self) -> str:
        return f"/api/v1/cti/{self.config.token}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def cti_url(self) -> str:
        return self.base_url + self.cti_path

    async def start(self) -> str:
        app = web.Application(
            middlewares=[self._record_middleware], client_max_size=REQUEST_SIZE_LIMIT
        )
        app.router.add_post("/api/v1/cti/done/bulk", self._cti_done_bulk)
        app.router.add_post("/api/v1/cti/done/{id}", self._cti_done)
        app.router.add_get("/api/v1/cti/log", self._cti_log)
        app.router.add_post("/api/v1/cti/{token}", self._cti_push)
        app.router.add_get("/api/v1/users/search", self._users_search)
        app.router.add_get("/api/v1/users/me", self._users_me)
        app.router.add_get("/api/v1/users/{id}", self._users_show)
        app.router.add_get("/api/v1/ticket_customer", self._ticket_customer)
        app.router.add_get("/api/v1/ticket_states", self._ticket_states)
        app.router.add_get("/api/v1/tickets/{id}", self._tickets_show)
        app.router.add_post("/api/v1/tickets", self._tickets_create)
        app.router.add_post("/api/v1/ticket_articles", self._articles_create)
        app.router.add_get("/api/v1/ticket_articles/by_ticket/{id}", self._articles_by_ticket)
        app.router.add_get("/api/v1/ticket_articles/{id}", self._articles_show)
        app.router.add_put("/api/v1/ticket_articles/{id}", self._articles_update)
        app.router.add_delete("/api/v1/ticket_articles/{id}", self._articles_delete)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await self._bind()
        return self.base_url

    async def _bind(self) -> None:
        assert self._runner is not None
        self._site = web.TCPSite(self._runner, "127.0.0.1", self._port, reuse_address=True)
        await self._site.start()
        server = self._site._server
        if self._port == 0 and server is not None:
            sockets = getattr(server, "sockets", None) or []
            self._port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None
        self._site = None

    async def go_down(self) -> None:
        """Stop listening (connections are refused) but keep all data, like a restarting host.

        Open keep-alive connections are cut as well: a restarting Zammad answers nothing more on
        them either, and a client reusing one must not get through.
        """
        if self._site is not None:
            await self._site.stop()
            self._site = None
        server = self._runner.server if self._runner is not None else None
        if server is not None:
            for connection in list(server.connections):
                connection.force_close()

    async def come_back(self) -> None:
        """Listen again on the same port after `go_down`."""
        if self._site is None and self._runner is not None:
            await self._bind()

    # ------------------------------------------------------------------ HTTP plumbing

    @web.middleware
    async def _record_middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Any],
    ) -> web.StreamResponse:
        body = await request.read()
        record = RecordedRequest(
            method=request.method,
            path=request.path,
            headers=dict(request.headers),
            body=body,
            params={},
            status=0,
            at=self.clock(),
        )
        self.requests.append(record)
        if self._delay:
            await asyncio.sleep(self._delay)
        try:
            response: web.StreamResponse = await handler(request)
        except web.HTTPException as exc:
            record.status = exc.status
            raise
        record.status = response.status
        return response

    @staticmethod
    def _wants_json(request: web.Request) -> bool:
        accept = request.headers.get("Accept", "").strip()
        if not accept:
            return False
        types = [part.split(";", 1)[0].strip().lower() for part in accept.split(",")]
        if "application/json" in types:
            return True
        return types == ["*/*"]

    def _error(
        self, request: web.Request, status: int, body: dict[str, str], **headers: str
    ) -> web.Response:
        if self._wants_json(request):
            return web.json_response(body, status=status, headers=headers or None)
        page = HTML_PAGES.get(status, HTML_PAGES[500])
        return web.Response(
            text=page, status=status, content_type="text/html", headers=headers or None
        )

    # ------------------------------------------------------------------ CTI push

    async def _cti_push(self, request: web.Request) -> web.StreamResponse:
        record = self.requests[-1]
        if self._down_status is not None:
            return web.Response(text="Service Unavailable", status=self._down_status)
        if self._fail_next:
            return web.Response(text="Bad Gateway", status=self._fail_next.pop(0))
        cfg = self.config
        if not cfg.enabled:
            return web.json_response({"error": DISABLED_ERROR}, status=422)
        if not cfg.configured:
            return web.json_response({"error": NOT_CONFIGURED_ERROR}, status=422)
        if request.match_info["token"] != cfg.token:
            return web.json_response({"error": INVALID_TOKEN_ERROR}, status=401)
        try:
            params = parse_rails_params(
                request.query_string, request.headers.get("Content-Type", ""), record.body
            )
        except ParamsError:
            return self._error(request, 400, {"error": "Bad Request"})
        record.params = params
        if params.get("direction") not in ("in", "out"):
            return web.json_response({"error": INVALID_DIRECTION_ERROR}, status=422)
        async with self._lock:
            try:
                result = self._process(params)
            except ZammadError as exc:
                return self._error(request, exc.status, exc.body)
            if self._take_drop_rule(params.get("event")):
                record.dropped = True
                record.status = 200
                if request.transport is not None:
                    request.transport.abort()
                raise asyncio.CancelledError
        return web.json_response(result)

    # ------------------------------------------------------------------ REST auth

    def _authenticate(
        self, request: web.Request, permission: str
    ) -> tuple[dict[str, Any] | None, web.Response | None]:
        header = request.headers.get("Authorization", "")
        if not header:
            return None, self._error(request, 403, {"error": "Authentication required"})
        match = re.fullmatch(r"Token token=(\S+)", header.strip())
        entry = self.api_tokens.get(match.group(1)) if match else None
        if entry is None:
            return None, self._error(
                request,
                401,
                {"error": "Invalid token!", "error_human": "Invalid token!"},
                **{"X-Failure": "invalid token"},
            )
        user_id, permissions = entry
        if permission not in permissions:
            return None, self._error(
                request, 403, {"error": "Not authorized", "error_human": "Not authorized"}
            )
        return self.users[user_id], None

    # ------------------------------------------------------------------ caller log API

    async def _cti_log(self, request: web.Request) -> web.StreamResponse:
        user, problem = self._authenticate(request, "cti.agent")
        if problem is not None:
            return problem
        assert user is not None
        rows = list(reversed(self.log))
        if self.config.notify_map:
            queues = self._user_queues(user)
            rows = [row for row in rows if row.queue in queues]
        rows = rows[: self.config.view_limit]
        user_ids: list[int] = []
        for row in rows:
            for entries in row.preferences.values():
                user_ids += [int(e["user_id"]) for e in entries if e.get("user_id")]
        return web.json_response(
            {
                "list": [row.as_json() for row in rows],
                "assets": self._user_assets(user_ids),
                "backends": [
                    {"name": "CTI (generic)", "enabled": True, "url": "#system/integration/cti"}
                ],
            }
        )

    async def _cti_done(self, request: web.Request) -> web.StreamResponse:
        _, problem = self._authenticate(request, "cti.agent")
        if problem is not None:
            return problem
        try:
            data = json.loads(await request.read() or b"{}")
            row_id = int(request.match_info["id"])
        except ValueError:
            return self._error(request, 422, {"error": error_id()})
        row = next((r for r in self.log if r.id == row_id), None)
        if row is None:
            return self._error(request, 404, {"error": "Couldn't find Cti::Log"})
        row.done = bool(data.get("done")) if isinstance(data, dict) else False
        row.updated_at = self.clock()
        return web.json_response({})

    async def _cti_done_bulk(self, request: web.Request) -> web.StreamResponse:
        _, problem = self._authenticate(request, "cti.agent")
        if problem is not None:
            return problem
        try:
            data = json.loads(await request.read() or b"{}")
        except ValueError:
            return self._error(request, 422, {"error": error_id()})
        ids = data.get("ids", []) if isinstance(data, dict) else []
        for row in self.log:
            if row.id in ids or str(row.id) in ids:
                row.done = True
                row.updated_at = self.clock()
        return web.json_response({})

    # ------------------------------------------------------------------ REST subset

    async def _users_me(self, request: web.Request) -> web.StreamResponse:
        user, problem = self._authenticate(request, "ticket.agent")
        if problem is not None:
            return problem
        assert user is not None
        return web.json_response(self._public_user(user))

    async def _users_search(self, request: web.Request) -> web.StreamResponse:
        _, problem = self._authenticate(request, "ticket.agent")
        if problem is not None:
            return problem
        query = request.query.get("query", "").strip()
        try:
            asked = request.query.get("limit") or request.query.get("per_page") or 100
            limit = min(int(asked), 500)
        except ValueError:
            limit = 100
        found = [u for u in self.users.values() if query and self._user_matches(u, query)]
        return web.json_response([self._public_user(u) for u in found[:limit]])

    async def _users_show(self, request: web.Request) -> web.StreamResponse:
        _, problem = self._authenticate(request, "ticket.agent")
        if problem is not None:
            return problem
        try:
            user = self.users.get(int(request.match_info["id"]))
        except ValueError:
            user = None
        if user is None:
            return self._error(request, 404, {"error": "Couldn't find User"})
        expand = request.query.get("expand") in ("true", "1")
        return web.json_response(self._public_user(user, expand=expand))

    async def _ticket_customer(self, request: web.Request) -> web.StreamResponse:
        _, problem = self._authenticate(request, "ticket.agent")
        if problem is not None:
            return problem
        try:
            customer_id = int(request.query.get("customer_id", ""))
        except ValueError:
            return self._error(request, 422, {"error": "Need customer_id!"})
        tickets = sorted(
            (t for t in self.tickets.values() if t["customer_id"] == customer_id),
            key=lambda t: (t["created_at"], t["id"]),
            reverse=True,
        )
        opened = [t for t in tickets if self._state_type(t["state_id"]) in OPEN_STATE_TYPES][:15]
        closed = [t for t in tickets if self._state_type(t["state_id"]) == "closed"][:15]
        assets = {"Ticket": {str(t["id"]): self._public_ticket(t) for t in opened + closed}}
        return web.json_response(
            {
                "ticket_ids_open": [t["id"] for t in opened],
                "ticket_ids_closed": [t["id"] for t in closed],
                "assets": assets,
            }
        )

    async def _ticket_states(self, request: web.Request) -> web.StreamResponse:
        _, problem = self._authenticate(request, "ticket.agent")
        if problem is not None:
            return problem
        return web.json_response(
            [
                {
                    "id": s["id"],
                    "name": s["name"],
                    "state_type_id": TICKET_STATES.index(s) + 1,
                    "active": True,
                }
                for s in TICKET_STATES
            ]
        )

    async def _tickets_show(self, request: web.Request) -> web.StreamResponse:
        _, problem = self._authenticate(request, "ticket.agent")
        if problem is not None:
            return problem
        try:
            ticket = self.tickets.get(int(request.match_info["id"]))
        except ValueError:
            ticket = None
        if ticket is None:
            return self._error(request, 404, {"error": "Couldn't find Ticket"})
        return web.json_response(self._public_ticket(ticket))

    async def _tickets_create(self, request: web.Request) -> web.StreamResponse:
        _, problem = self._authenticate(request, "ticket.agent")
        if problem is not None:
            return problem
        try:
            data = json.loads(await request.read() or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return self._error(request, 422, {"error": "Need JSON body"})
        article = data.get("article")
        if not isinstance(article, dict):
            return self._error(
                request,
                422,
                {"error": "article hash is missing", "error_human": "article hash is missing"},
            )
        try:
            customer_id = int(str(data.get("customer_id")))
        except (TypeError, ValueError):
            customer_id = 0
        if customer_id not in self.users or not data.get("title"):
            return self._error(
                request,
                422,
                {"error": "Invalid customer or title", "error_human": "Invalid customer or title"},
            )
        ticket_id = self.add_ticket(
            customer_id=customer_id,
            title=str(data["title"]),
            state="new",
            first_article_body=str(article.get("body", "")),
            first_article_sender=str(article.get("sender", "Agent")),
            group=str(data.get("group") or "Users"),
        )
        return web.json_response(self._public_ticket(self.tickets[ticket_id]), status=201)

    # ------------------------------------------------------------------ ticket articles

    async def _article_request(
        self,
        request: web.Request,
        action: Callable[[dict[str, Any], dict[str, Any]], Any],
        status: int = 200,
    ) -> web.StreamResponse:
        """Auth, injected faults, JSON parameters, Zammad's errors; ``action(user, params)``
        returns the JSON to send (the rules are in `ZammadState`)."""
        user, problem = self._authenticate(request, "ticket.agent")
        if problem is not None:
            return problem
        assert user is not None
        faulty, fault_status = self.take_article_fault(request.method)
        if faulty and fault_status is not None:
            return web.Response(text="Service Unavailable", status=fault_status)
        record = self.requests[-1]
        try:
            params = parse_rails_params(
                request.query_string, request.headers.get("Content-Type", ""), record.body
            )
        except ParamsError:
            return self._error(request, 400, {"error": "Bad Request"})
        params.update(request.match_info)
        record.params = params
        async with self._lock:
            try:
                result = action(user, params)
            except ZammadError as exc:
                return self._error(request, exc.status, exc.body)
            if faulty:  # applied; the reply is lost on the way back
                record.dropped = True
                record.status = status
                if request.transport is not None:
                    request.transport.abort()
                raise asyncio.CancelledError
        return web.json_response(result, status=status)

    async def _articles_create(self, request: web.Request) -> web.StreamResponse:
        return await self._article_request(
            request,
            lambda user, params: self.public_article(self.create_article(user, params)),
            status=201,
        )

    async def _articles_by_ticket(self, request: web.Request) -> web.StreamResponse:
        return await self._article_request(
            request,
            lambda _user, params: [
                self.public_article(a) for a in self.articles_by_ticket(params["id"])
            ],
        )

    async def _articles_show(self, request: web.Request) -> web.StreamResponse:
        return await self._article_request(
            request, lambda _user, params: self.public_article(self.show_article(params["id"]))
        )

    async def _articles_update(self, request: web.Request) -> web.StreamResponse:
        return await self._article_request(
            request,
            lambda _user, params: self.public_article(self.update_article(params["id"], params)),
        )

    async def _articles_delete(self, request: web.Request) -> web.StreamResponse:
        def delete(user: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
            self.delete_article(user, params["id"])
            return {}

        return await self._article_request(request, delete)
