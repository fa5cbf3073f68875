"""`ctidesk sim`: run the phone, Zammad and NFON simulators standalone and print their addresses."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sim", help="run the phone, Zammad and NFON simulators on 127.0.0.1 until Ctrl+C"
    )
    parser.add_argument(
        "--profile",
        default="gxp",
        choices=["gxp", "grp", "dp", "wp"],
        help="phone model family to simulate",
    )
    parser.add_argument("--phone-port", type=int, default=0)
    parser.add_argument("--zammad-port", type=int, default=0)
    parser.add_argument("--nfon-port", type=int, default=0)
    parser.add_argument(
        "--ring-every",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="ring the phone with a demo caller this often (0: never)",
    )
    parser.set_defaults(handler=run_sim)


def run_sim(args: argparse.Namespace) -> int:
    import asyncio

    return asyncio.run(_serve(args))


async def _serve(args: argparse.Namespace) -> int:
    import asyncio
    import contextlib
    import signal

    from ctidesk.sim.suite import SimulatorSuite

    suite = SimulatorSuite(
        phone_profile=args.profile,
        phone_port=args.phone_port,
        zammad_port=args.zammad_port,
        nfon_port=args.nfon_port,
    )
    await suite.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    for name, value in suite.addresses().items():
        print(f"{name}: {value}", flush=True)
    print(
        "simulators ready; the phone's control API is under /sim/ (POST /sim/ring?number=...)",
        flush=True,
    )
    try:
        while not stop.is_set():
            if args.ring_every > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), args.ring_every)
                if not stop.is_set():
                    suite.ring_demo_caller()
            else:
                await stop.wait()
    finally:
        await suite.stop()
    return 0
