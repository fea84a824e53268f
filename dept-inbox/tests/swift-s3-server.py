#!/usr/bin/env python3
# A real S3-compatible server for the inbox's S3 storage test: OpenStack Swift (Debian's
# python3-swift) with its S3 API middleware (s3api) and tempauth, every server (proxy,
# account, container, object) in this one process on 127.0.0.1, data under DIR.
#
#   python3 swift-s3-server.py DIR
#
# Prints one JSON line {"port", "accessKeyId", "secretAccessKey", "region"} once every
# server listens, then serves until SIGTERM/SIGINT or until its stdin closes (the test
# process that started it is gone), so it never outlives its test. Swift needs a file
# system with user xattrs (ext4, xfs, tmpfs on Linux ≥ 6.6) under DIR.
import json
import logging
import os
import signal
import sys

from swift.common.utils import eventlet_monkey_patch

eventlet_monkey_patch()

import eventlet  # noqa: E402
from eventlet import wsgi  # noqa: E402
from swift.common import constraints, storage_policy, utils  # noqa: E402
from swift.common.http_protocol import SwiftHttpProtocol  # noqa: E402
from swift.common.ring import RingBuilder  # noqa: E402
from swift.common.wsgi import loadapp  # noqa: E402


class MemoryCache:
    """The memcache client API tempauth and the proxy use, in this process's memory."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def get(self, key, raise_on_error=False):
        return self.values.get(key)

    def set(self, key, value, serialize=True, time=0, min_compress_len=0, raise_on_error=False):
        self.values[key] = value

    def incr(self, key, delta=1, time=0):
        value = int(self.values.get(key) or 0) + delta
        self.values[key] = value
        return value

    def decr(self, key, delta=1, time=0):
        return self.incr(key, -delta, time)

    def delete(self, key, server_key=None):
        self.values.pop(key, None)

    def get_multi(self, keys, server_key):
        return [self.values.get(key) for key in keys]

    def set_multi(self, mapping, server_key, serialize=True, time=0, min_compress_len=0):
        self.values.update(mapping)


MEMORY_CACHE = MemoryCache()


def memory_cache_filter(_global_conf, **_local_conf):
    """Stands in for the memcache middleware (no memcached server)."""

    def wrap(app):
        def cached(env, start_response):
            env["swift.cache"] = MEMORY_CACHE
            return app(env, start_response)

        return cached

    return wrap


ACCESS_KEY = "tongban:tester"
SECRET_KEY = "tongban-secret"
REGION = "us-east-1"


def main(root: str) -> None:
    root = os.path.abspath(root)
    os.environ["TZ"] = "UTC+0"
    eventlet.hubs.use_hub(utils.get_hub())
    # Warnings and errors to stderr instead of syslog.
    utils.ThreadSafeSysLogHandler = lambda *_args, **_kwargs: logging.StreamHandler(sys.stderr)
    etc = os.path.join(root, "etc")
    devices = os.path.join(root, "srv")
    for path in (etc, os.path.join(devices, "sda1", "tmp")):
        os.makedirs(path, exist_ok=True)

    with open(os.path.join(etc, "swift.conf"), "w") as f:
        f.write(
            "[swift-hash]\nswift_hash_path_suffix = tongban-test\nswift_hash_path_prefix = tongban\n\n"
            "[storage-policy:0]\nname = default\ndefault = yes\n"
        )
    # Everything reads swift.conf from here, not /etc/swift.
    utils.set_swift_dir(etc)
    constraints.reload_constraints()
    storage_policy.reload_storage_policies()

    sockets = {name: eventlet.listen(("127.0.0.1", 0)) for name in ("proxy", "account", "container", "object")}
    port = {name: sock.getsockname()[1] for name, sock in sockets.items()}

    # One device, one replica: the smallest ring Swift accepts.
    for name in ("account", "container", "object"):
        builder = RingBuilder(4, 1, 1)
        builder.add_dev(
            {"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": port[name], "device": "sda1", "weight": 1}
        )
        builder.rebalance()
        builder.get_ring().save(os.path.join(etc, f"{name}.ring.gz"))

    common = (
        "[DEFAULT]\n"
        f"swift_dir = {etc}\ndevices = {devices}\nmount_check = false\n"
        "disable_fallocate = true\nlog_level = WARNING\n\n"
    )
    confs = {
        "account": "[pipeline:main]\npipeline = account-server\n\n[app:account-server]\nuse = egg:swift#account\n",
        "container": "[pipeline:main]\npipeline = container-server\n\n"
        "[app:container-server]\nuse = egg:swift#container\n",
        "object": "[pipeline:main]\npipeline = object-server\n\n[app:object-server]\nuse = egg:swift#object\n",
        # The pipeline a Swift cluster serves S3 with: s3api before auth, SLO for multipart uploads.
        "proxy": (
            "[pipeline:main]\n"
            "pipeline = catch_errors gatekeeper proxy-logging cache listing_formats s3api tempauth copy slo dlo "
            "proxy-logging proxy-server\n\n"
            "[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n\n"
            "[filter:catch_errors]\nuse = egg:swift#catch_errors\n\n"
            "[filter:gatekeeper]\nuse = egg:swift#gatekeeper\n\n"
            "[filter:proxy-logging]\nuse = egg:swift#proxy_logging\n\n"
            "[filter:cache]\npaste.filter_factory = __main__:memory_cache_filter\n\n"
            "[filter:listing_formats]\nuse = egg:swift#listing_formats\n\n"
            f"[filter:s3api]\nuse = egg:swift#s3api\nlocation = {REGION}\n\n"
            "[filter:tempauth]\nuse = egg:swift#tempauth\n"
            f"user_{ACCESS_KEY.replace(':', '_')} = {SECRET_KEY} .admin\n\n"
            "[filter:copy]\nuse = egg:swift#copy\n\n"
            "[filter:slo]\nuse = egg:swift#slo\n\n"
            "[filter:dlo]\nuse = egg:swift#dlo\n"
        ),
    }
    for name, body in confs.items():
        path = os.path.join(etc, f"{name}-server.conf")
        with open(path, "w") as f:
            f.write(common + body)
        # What swift.common.wsgi.run_server does, minus its switch to a new eventlet hub
        # (one hub serves all four servers here).
        app = loadapp(path, global_conf={"log_name": name})
        eventlet.spawn(
            wsgi.server,
            sockets[name],
            app,
            utils.NullLogger(),
            protocol=SwiftHttpProtocol,
            socket_timeout=60,
            # The AWS SDK needs "ETag", not "Etag".
            capitalize_response_headers=False,
        )

    print(
        json.dumps({"port": port["proxy"], "accessKeyId": ACCESS_KEY, "secretAccessKey": SECRET_KEY, "region": REGION}),
        flush=True,
    )

    done = eventlet.event.Event()

    def stop(*_args: object) -> None:
        if not done.ready():
            done.send(None)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def watch_stdin() -> None:
        # The parent holds our stdin open; EOF means it is gone.
        fd = sys.stdin.fileno()
        os.set_blocking(fd, False)
        while True:
            eventlet.hubs.trampoline(fd, read=True)
            try:
                if not os.read(fd, 4096):
                    break
            except BlockingIOError:
                continue
        stop()

    eventlet.spawn(watch_stdin)
    done.wait()
    os._exit(0)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: swift-s3-server.py DIR")
    main(sys.argv[1])
