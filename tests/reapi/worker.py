"""TEST FIXTURE, not part of gccgo-build: a minimal Remote Workers API (Bots)
worker for BuildGrid that runs REAPI actions on this host.

It stands in for bb_worker or buildbox-worker, which no registry packages, so
that tests/e2e/reapi.rs can run a real remote-execution server end to end. It
does what any worker must: take a lease, fetch the Action, Command and input
tree from CAS, run the command in a fresh directory with exactly the Command's
environment, upload the outputs, report the ActionResult. No sandbox, no
output-directory support (gccgo-build names output files only).

Usage: python worker.py --server 127.0.0.1:PORT --instance main --name W
           --dir BUILD_DIR --prop key=value ... [--fault die|corrupt|hang]
           [--cas DIR]   (BuildGrid's disk-storage directory, for --fault corrupt)
           [--token FILE] (a bearer token for a server that requires one)

A lease the server drops from the session (the client cancelled the operation)
has its command's process group killed, and the worker prints
"lease ID cancelled by the server" (tests/e2e/reapi.rs reads its log).

Faults (each once per worker process, for the tests of gccgo-build's fallback):
  die      the process exits (os._exit) while running its first action
  corrupt  after uploading outputs, overwrites the stored object blob in the
           server's disk storage, so it no longer matches its digest
  hang     never finishes its actions
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time

import grpc

from buildgrid._protos.build.bazel.remote.execution.v2 import remote_execution_pb2 as re
from buildgrid._protos.build.bazel.remote.execution.v2 import remote_execution_pb2_grpc as re_grpc
from buildgrid._protos.google.bytestream import bytestream_pb2 as bs
from buildgrid._protos.google.bytestream import bytestream_pb2_grpc as bs_grpc
from buildgrid._protos.google.devtools.remoteworkers.v1test2 import bots_pb2 as bots
from buildgrid._protos.google.devtools.remoteworkers.v1test2 import bots_pb2_grpc as bots_grpc
from buildgrid._protos.google.devtools.remoteworkers.v1test2 import worker_pb2 as worker_pb
from buildgrid._protos.google.rpc import code_pb2

BATCH = 1 << 20


def digest_of(data):
    return re.Digest(hash=hashlib.sha256(data).hexdigest(), size_bytes=len(data))


class Cas:
    def __init__(self, channel, instance):
        self.cas = re_grpc.ContentAddressableStorageStub(channel)
        self.bs = bs_grpc.ByteStreamStub(channel)
        self.instance = instance

    def read(self, d):
        if d.size_bytes == 0:
            return b""
        if d.size_bytes < BATCH:
            r = self.cas.BatchReadBlobs(re.BatchReadBlobsRequest(instance_name=self.instance, digests=[d]))
            resp = r.responses[0]
            if resp.status.code != 0:
                raise RuntimeError(f"reading {d.hash}: {resp.status.message}")
            return resp.data
        name = f"{self.instance}/blobs/{d.hash}/{d.size_bytes}"
        return b"".join(c.data for c in self.bs.Read(bs.ReadRequest(resource_name=name)))

    def write(self, data):
        d = digest_of(data)
        if d.size_bytes < BATCH:
            req = re.BatchUpdateBlobsRequest(instance_name=self.instance)
            req.requests.add(digest=d, data=data)
            self.cas.BatchUpdateBlobs(req)
        else:
            name = f"{self.instance}/uploads/w/blobs/{d.hash}/{d.size_bytes}"

            def chunks():
                for off in range(0, len(data), BATCH):
                    last = off + BATCH >= len(data)
                    yield bs.WriteRequest(resource_name=name, write_offset=off,
                                          data=data[off:off + BATCH], finish_write=last)

            self.bs.Write(chunks())
        return d

    def fetch_tree(self, root_digest, path):
        os.makedirs(path, exist_ok=True)
        directory = re.Directory()
        directory.ParseFromString(self.read(root_digest))
        for f in directory.files:
            p = os.path.join(path, f.name)
            with open(p, "wb") as out:
                out.write(self.read(f.digest))
            if f.is_executable:
                os.chmod(p, 0o755)
        for s in directory.symlinks:
            os.symlink(s.target, os.path.join(path, s.name))
        for d in directory.directories:
            self.fetch_tree(d.digest, os.path.join(path, d.name))


class Bearer(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
             grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    """Adds `authorization: Bearer TOKEN` to every call."""

    def __init__(self, token):
        self.token = token

    def _add(self, details):
        md = list(details.metadata or []) + [("authorization", f"Bearer {self.token}")]
        return details._replace(metadata=md) if hasattr(details, "_replace") else _Details(details, md)

    def intercept_unary_unary(self, cont, details, request):
        return cont(self._add(details), request)

    def intercept_unary_stream(self, cont, details, request):
        return cont(self._add(details), request)

    def intercept_stream_unary(self, cont, details, requests):
        return cont(self._add(details), requests)

    def intercept_stream_stream(self, cont, details, requests):
        return cont(self._add(details), requests)


class _Details(grpc.ClientCallDetails):
    def __init__(self, d, metadata):
        self.method, self.timeout, self.credentials = d.method, d.timeout, d.credentials
        self.wait_for_ready, self.compression = d.wait_for_ready, d.compression
        self.metadata = metadata


class Worker:
    def __init__(self, args):
        self.args = args
        self.channel = grpc.insecure_channel(args.server)
        if args.token:
            with open(args.token) as f:
                self.channel = grpc.intercept_channel(self.channel, Bearer(f.read().strip()))
        self.cas = Cas(self.channel, args.instance)
        self.bots = bots_grpc.BotsStub(self.channel)
        self.results = {}  # lease id -> ActionResult (or None while running)
        self.procs = {}  # lease id -> the running command's Popen
        self.lock = threading.Lock()
        self.count = 0
        self.fault = args.fault

    def session(self):
        device = worker_pb.Device(handle=self.args.name)
        for kv in self.args.prop:
            k, v = kv.split("=", 1)
            device.properties.add(key=k, value=v)
        w = worker_pb.Worker(devices=[device])
        s = bots.BotSession(bot_id=self.args.name, status=bots.OK, worker=w)
        return self.bots.CreateBotSession(bots.CreateBotSessionRequest(parent=self.args.instance, bot_session=s))

    def run_lease(self, lease_id, action):
        result = re.ActionResult()
        try:
            result = self.execute(lease_id, action)
        except Exception as e:  # reported as a failed action, never a hang
            result.exit_code = 127
            result.stderr_raw = f"worker fixture: {e}\n".encode()
        with self.lock:
            self.results[lease_id] = result

    def execute(self, lease_id, action):
        self.count += 1
        build = os.path.join(self.args.dir, f"build-{self.count}")
        shutil.rmtree(build, ignore_errors=True)
        command = re.Command()
        command.ParseFromString(self.cas.read(action.command_digest))
        self.cas.fetch_tree(action.input_root_digest, build)
        outs = list(command.output_paths) or list(command.output_files)
        for o in outs:
            os.makedirs(os.path.dirname(os.path.join(build, command.working_directory, o)), exist_ok=True)
        if self.fault == "die":
            os._exit(3)
        if self.fault == "hang":
            time.sleep(3600)
        env = {v.name: v.value for v in command.environment_variables}
        timeout = action.timeout.seconds or None
        cwd = os.path.join(build, command.working_directory)
        p = subprocess.Popen(list(command.arguments), cwd=cwd, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
        with self.lock:
            self.procs[lease_id] = p
        try:
            out, err = p.communicate(timeout=timeout)
            code = p.returncode
        except subprocess.TimeoutExpired:
            kill_group(p)
            p.communicate()
            code, out, err = 124, b"", b"worker fixture: action timed out\n"
        finally:
            with self.lock:
                self.procs.pop(lease_id, None)
        result = re.ActionResult(exit_code=code)
        result.stdout_digest.CopyFrom(self.cas.write(out))
        result.stderr_digest.CopyFrom(self.cas.write(err))
        if code == 0:
            for o in outs:
                p = os.path.join(cwd, o)
                if os.path.isfile(p):
                    with open(p, "rb") as f:
                        data = f.read()
                    d = self.cas.write(data)
                    result.output_files.add(path=o, digest=d, is_executable=os.access(p, os.X_OK))
                    if self.fault == "corrupt" and self.args.cas:
                        self.corrupt(d)
        shutil.rmtree(build, ignore_errors=True)
        return result

    def corrupt(self, d):
        for root, _, files in os.walk(self.args.cas):
            for f in files:
                if d.hash in f or d.hash[2:] == f:
                    path = os.path.join(root, f)
                    with open(path, "r+b") as fh:
                        data = bytearray(fh.read())
                        if data:
                            data[len(data) // 2] ^= 0xFF
                            fh.seek(0)
                            fh.write(data)

    def cancelled(self, lease_id):
        with self.lock:
            p = self.procs.pop(lease_id, None)
            self.results.pop(lease_id, None)
        if p is not None:
            kill_group(p)
        print(f"lease {lease_id} cancelled by the server", flush=True)

    def loop(self):
        session = self.session()
        started = set()
        while True:
            # A started lease the server no longer lists was cancelled.
            listed = {lease.id for lease in session.leases}
            for lease_id in list(started - listed):
                started.discard(lease_id)
                self.cancelled(lease_id)
            for lease in session.leases:
                if lease.state in (bots.LeaseState.PENDING, bots.LeaseState.ACTIVE) and lease.id not in started:
                    started.add(lease.id)
                    lease.state = bots.LeaseState.ACTIVE
                    action = re.Action()
                    if lease.payload.Is(re.Action.DESCRIPTOR):
                        lease.payload.Unpack(action)
                    else:
                        d = re.Digest()
                        lease.payload.Unpack(d)
                        action.ParseFromString(self.cas.read(d))
                    threading.Thread(target=self.run_lease, args=(lease.id, action), daemon=True).start()
                with self.lock:
                    result = self.results.pop(lease.id, None)
                if result is not None:
                    started.discard(lease.id)
                    lease.state = bots.LeaseState.COMPLETED
                    lease.status.code = code_pb2.OK
                    lease.result.Pack(result)
            try:
                session = self.bots.UpdateBotSession(
                    bots.UpdateBotSessionRequest(name=session.name, bot_session=session), timeout=0.5)
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
                    time.sleep(0.2)  # a busy or restarting server: ask again


def kill_group(p):
    try:
        os.killpg(p.pid, 9)
    except ProcessLookupError:
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--instance", default="main")
    ap.add_argument("--name", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--prop", action="append", default=[])
    ap.add_argument("--fault", choices=["die", "corrupt", "hang"])
    ap.add_argument("--cas")
    ap.add_argument("--token")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    print(f"worker {args.name} ready", flush=True)
    Worker(args).loop()


if __name__ == "__main__":
    sys.exit(main())
