"""The CTI client against the phone simulator over real loopback HTTP, every function."""

from __future__ import annotations

import logging
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from ctidesk.clients.grandstream.client import (
    DeviceOperation,
    GrandstreamClient,
    PhoneOperation,
    SysRequest,
)
from ctidesk.clients.grandstream.errors import (
    ConfirmationRequired,
    PhoneAuthRejected,
    PhoneCertificateMismatch,
    PhoneCertificateUntrusted,
    PhoneFunctionMissing,
    PhoneRefused,
    PhoneTimeout,
    PhoneUnreachable,
    SessionLocked,
    SessionLoginFailed,
)
from ctidesk.clients.grandstream.models import LineState, PhoneFamily, PhoneState
from ctidesk.clients.grandstream.tls import format_fingerprint
from ctidesk.sim.phone import PROFILES, PhoneSimulator

PASSCODE = "p&ss +#%w"


@pytest.fixture
async def gxp() -> AsyncIterator[PhoneSimulator]:
    sim = PhoneSimulator(profile="gxp", passcode=PASSCODE)
    await sim.start()
    yield sim
    await sim.stop()


def client_for(sim: PhoneSimulator, **kwargs: object) -> GrandstreamClient:
    options: dict[str, object] = {"timeout_seconds": 0.5}
    options.update(kwargs)
    passcode = str(options.pop("passcode", sim.passcode))
    return GrandstreamClient(sim.address, passcode, **options)  # type: ignore[arg-type]


async def test_gxp_status_functions(gxp: PhoneSimulator) -> None:
    async with client_for(gxp) as client:
        assert await client.family() is PhoneFamily.GXP
        assert (await client.get_phone_status()).state is PhoneState.AVAILABLE
        gxp.ring("+4930123456", "Jane Doe")
        lines = await client.get_line_status()
        assert len(lines) == 4
        assert lines[0].state is LineState.RINGING
        assert lines[0].remote_number == "+4930123456"
        assert lines[0].remote_name == "Jane Doe"
        assert (await client.get_phone_status()).state is PhoneState.BUSY
        accounts = await client.get_accounts()
        assert accounts[0].registered and accounts[0].sip_id == "1001"
    assert all(r.query[0] == ("passcode", PASSCODE) for r in gxp.requests_to("api-get_accounts"))


async def test_gxp_phone_operations_drive_the_line(gxp: PhoneSimulator) -> None:
    async with client_for(gxp) as client:
        gxp.ring("+4930123456")
        await client.phone_operation(PhoneOperation.ACCEPT)
        assert gxp.line(1).state == "connected"
        await client.phone_operation(PhoneOperation.HOLD)
        assert gxp.line(1).state == "onhold"
        await client.phone_operation(PhoneOperation.HOLD)
        assert gxp.line(1).state == "connected"
        await client.phone_operation(PhoneOperation.END)
        assert gxp.line(1).state == "idle"
        with pytest.raises(PhoneRefused):
            await client.phone_operation(PhoneOperation.END)
        gxp.ring("+4930999")
        await client.phone_operation(PhoneOperation.REJECT)
        assert gxp.line(1).state == "idle"
        gxp.ring("+4930999")
        await client.phone_operation(PhoneOperation.CANCEL)
        assert gxp.line(1).state == "idle"


async def test_send_keys_dials_with_hash_as_percent_23_on_gxp(gxp: PhoneSimulator) -> None:
    async with client_for(gxp) as client:
        await client.send_keys(["LINE2", "*", "3", "1", "#", "SEND"])
    assert gxp.dialed[-1].number == "*31#"
    assert gxp.dialed[-1].line == 2
    raw = gxp.requests_to("api-send_key")[-1].raw_query
    assert "keys=LINE2:*:3:1:%23:SEND" in raw
    assert "passcode=p%26ss%20%2B%23%25w" in raw


async def test_gxp_make_call_needs_a_template_and_accepts_reported_variants(
    gxp: PhoneSimulator,
) -> None:
    async with client_for(gxp) as client:
        with pytest.raises(PhoneFunctionMissing):
            await client.make_call("030123")
        await client.make_call(
            "+4930123", template="phonenumber={number}&account={account0}&password={passcode}"
        )
        with pytest.raises(PhoneRefused):
            await client.make_call("030", template="phonenumber={number}&account={account0}")
    assert gxp.dialed[-1].number == "+4930123"
    assert gxp.dialed[-1].via == "make_call"


async def test_sys_operation_needs_confirmation(gxp: PhoneSimulator) -> None:
    async with client_for(gxp) as client:
        with pytest.raises(ConfirmationRequired):
            await client.sys_operation(SysRequest.RESET)
        assert gxp.requests_to("api-sys_operation") == []
        assert await client.sys_operation(SysRequest.REBOOT, confirm=True) == "savereboot"
        assert await client.sys_operation(SysRequest.RESET, confirm=True) == "reset"
    assert gxp.system_requests == ["REBOOT", "RESET"]


async def test_dp_functions_and_handset_keys() -> None:
    sim = PhoneSimulator(profile="dp")
    await sim.start()
    try:
        async with client_for(sim, handset=1) as client:
            assert await client.family() is PhoneFamily.DP
            status = await client.get_account_status(1)
            assert status.registered and not status.active
            assert (await client.get_hs_status()).subscribed
            sim.ring("+4930123456")
            lines = await client.get_hs_line_status()
            assert lines[0].state is LineState.RINGING and len(lines) == 10
            await client.device_operation(DeviceOperation.ACCEPT, line=1)
            await client.device_operation(DeviceOperation.HOLD, line=1)
            with pytest.raises(PhoneRefused):
                await client.device_operation(DeviceOperation.HOLD, line=1)
            await client.device_operation(DeviceOperation.UNHOLD, line=1)
            assert sim.line(1).state == "connected"
            await client.device_operation(DeviceOperation.MUTE)
            assert sim.muted
            await client.device_operation(DeviceOperation.SPEAKER)
            await client.device_operation(DeviceOperation.SET_DND)
            assert sim.dnd
            await client.device_operation(DeviceOperation.UNSET_DND)
            assert not sim.dnd
            await client.device_operation(DeviceOperation.END, line=1)
            assert sim.line(1).state == "idle"
            sim.ring("+4930999")
            await client.device_operation(DeviceOperation.REJECT, line=1)
            sim.auto_answer_outgoing = None
            await client.make_call("030123")
            await client.device_operation(DeviceOperation.CANCEL, line=1)
            assert sim.line(1).state == "idle"
            await client.send_keys("LINE1:1:#:SEND")
            assert await client.sys_operation(SysRequest.REBOOT, confirm=True) == "directreboot"
            with pytest.raises(PhoneFunctionMissing):
                await client.get_line_status()
    finally:
        await sim.stop()
    assert sim.dialed[0].number == "030123"
    assert sim.dialed[1].number == "1#"
    assert "keys=LINE1:1:HASH:SEND" in sim.requests_to("api-send_key")[-1].raw_query
    assert ("hs", "1") in sim.requests_to("api-make_call")[-1].query


@pytest.mark.parametrize("profile", ["grp", "wp", "gxp16"])
async def test_other_families_line_status_and_dial(profile: str) -> None:
    sim = PhoneSimulator(profile=profile)
    await sim.start()
    try:
        async with client_for(sim) as client:
            sim.ring("+4930123456", "")
            lines = await client.get_line_status()
            assert lines[0].remote_number == "+4930123456"
            assert len(lines) == PROFILES[profile].lines
            status = await client.get_phone_status()
            expected = PhoneState.RINGING if profile == "wp" else PhoneState.BUSY
            assert status.state is expected
            await client.phone_operation(PhoneOperation.REJECT)
            if profile == "grp":
                await client.make_call("030123")
                assert sim.dialed[-1].number == "030123"
            else:
                with pytest.raises(PhoneFunctionMissing):
                    await client.get_hs_status()
    finally:
        await sim.stop()


async def test_family_detected_by_probing_when_the_model_file_says_nothing() -> None:
    from dataclasses import replace

    sim = PhoneSimulator(profile=replace(PROFILES["dp"], product="X100"))
    await sim.start()
    try:
        async with client_for(sim) as client:
            assert await client.detect_family() is PhoneFamily.DP
    finally:
        await sim.stop()


async def test_wrong_passcode_and_popup_mode_are_auth_errors(gxp: PhoneSimulator) -> None:
    async with client_for(gxp, passcode="wrong") as client:
        with pytest.raises(PhoneAuthRejected):
            await client.get_line_status()
    gxp.popup_window_support = True
    async with client_for(gxp) as client:
        with pytest.raises(PhoneAuthRejected):
            await client.phone_operation(PhoneOperation.ACCEPT)


async def test_stalled_phone_times_out_quickly(gxp: PhoneSimulator) -> None:
    gxp.set_unreachable("stall")
    async with client_for(gxp, timeout_seconds=0.2) as client:
        with pytest.raises(PhoneTimeout) as caught:
            await client.get_line_status()
    assert "0.2 s" in str(caught.value)


async def test_dropped_connection_and_closed_port_are_unreachable(gxp: PhoneSimulator) -> None:
    gxp.set_unreachable("drop")
    async with client_for(gxp) as client:
        with pytest.raises(PhoneUnreachable):
            await client.get_phone_status()
    async with GrandstreamClient("127.0.0.1:9", "x", timeout_seconds=0.3) as client:
        with pytest.raises(PhoneUnreachable) as caught:
            await client.get_phone_status()
    assert "switched on" in str(caught.value)


async def test_passcode_never_logged(gxp: PhoneSimulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with client_for(gxp, family=PhoneFamily.GXP) as client:
        await client.get_line_status()
        await client.make_call(
            "1", template="phonenumber={number}&account={account0}&password={passcode}"
        )
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("ctidesk"))
    assert "api-get_line_status?passcode=***" in text
    assert "password=***" in text
    assert "p%26ss" not in text and PASSCODE not in text


async def test_session_login_family_c_and_session_reads(gxp: PhoneSimulator) -> None:
    async with client_for(gxp, auth="session") as client:
        session = await client.login()
        assert session.family == "C"
        gxp.ring("+4930123456")
        lines = await client.get_line_status()
        assert lines[0].state is LineState.RINGING
        assert (await client.get_phone_status()).state is PhoneState.BUSY
        await client.keep_alive()
        assert await client.config_get([":dnd"]) == {":dnd": "0"}
        await client.config_update({"8310": "http://127.0.0.1:1/gs/x/in"})
        assert gxp.action_urls["incoming_call"] == "http://127.0.0.1:1/gs/x/in"
        await client.logout()
    posts = [r for r in gxp.requests if r.method == "POST" and "api-" in r.path]
    assert posts and all("passcode" not in r.raw_query for r in posts)
    assert all(r.headers.get("Origin") == gxp.base_url for r in posts)


async def test_session_login_falls_back_to_family_a() -> None:
    sim = PhoneSimulator(profile="gxp16")
    await sim.start()
    try:
        async with client_for(sim, auth="session") as client:
            assert (await client.login()).family == "A"
            assert (await client.config_get(["P2"]))["P2"] == sim.passcode
    finally:
        await sim.stop()


async def test_rejected_password_is_never_retried_and_locks_after_five(
    gxp: PhoneSimulator,
) -> None:
    async with client_for(gxp, passcode="wrong", auth="session") as client:
        with pytest.raises(SessionLoginFailed) as caught:
            await client.get_line_status()
        assert caught.value.attempts_left == 4
        assert len(gxp.requests_to("dologin")) == 1
        for _ in range(3):
            with pytest.raises(SessionLoginFailed):
                await client.login()
        with pytest.raises(SessionLocked):
            await client.login()
    async with client_for(gxp, auth="session") as client:
        with pytest.raises(SessionLocked):
            await client.login()


async def test_expired_session_logs_in_again_once(gxp: PhoneSimulator) -> None:
    async with client_for(gxp, auth="session") as client:
        await client.login()
        gxp.expire_sessions()
        assert await client.config_get([":dnd"]) == {":dnd": "0"}
    assert len(gxp.requests_to("dologin")) == 2


async def test_ignored_config_write_is_detected_by_reading_back(gxp: PhoneSimulator) -> None:
    gxp.ignore_config_writes = True
    async with client_for(gxp, auth="session") as client:
        with pytest.raises(PhoneRefused):
            await client.config_update({"8310": "http://127.0.0.1:1/x"})


async def test_sim_refuses_cross_origin_posts_and_missing_length(gxp: PhoneSimulator) -> None:
    async with httpx.AsyncClient() as raw:
        bare = await raw.post(gxp.base_url + "/cgi-bin/dologin", data={"username": "admin"})
        assert bare.status_code == 403 and "<html>" in bare.text
        put = await raw.post(gxp.base_url + "/cgi-bin/config_update", content=b"{}")
        assert put.status_code == 501


def _self_signed(tmp_path: Path) -> tuple[Path, Path, str]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=phone.example", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    import hashlib

    return cert, key, hashlib.sha256(der).hexdigest()


async def test_https_with_pinned_certificate(tmp_path: Path) -> None:
    cert, key, fingerprint = _self_signed(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    sim = PhoneSimulator(ssl_context=server_ctx)
    await sim.start()
    try:
        pinned = format_fingerprint(fingerprint)
        async with client_for(sim, scheme="https", certificate_sha256=pinned) as client:
            assert (await client.get_phone_status()).state is PhoneState.AVAILABLE
        seen = len(sim.requests)
        async with client_for(sim, scheme="https", certificate_sha256="ab" * 32) as client:
            with pytest.raises(PhoneCertificateMismatch) as caught:
                await client.get_phone_status()
        assert pinned in str(caught.value)
        assert len(sim.requests) == seen, "nothing may be sent to an unpinned certificate"
        async with client_for(sim, scheme="https") as client:
            with pytest.raises(PhoneCertificateUntrusted):
                await client.get_phone_status()
    finally:
        await sim.stop()
