#!/usr/bin/env bash
# A one-node SLURM cluster on localhost for tests/slurm.rs:
#   cluster.sh start DIR   writes DIR/slurm.conf, starts munged, slurmctld
#                          and slurmd (their pids in DIR/*.pid), waits for
#                          the node to be idle
#   cluster.sh stop DIR    stops exactly those daemons
# Needs Debian's slurmctld slurmd slurm-client munge (see .ci/run). No
# systemd, no cgroups, no accounting; munged runs with its own key, socket,
# seed and pid file under DIR because its default paths fail as root.
set -euo pipefail
cmd=$1
DIR=$(readlink -f "$2")
export SLURM_CONF="$DIR/slurm.conf"
HOST=$(hostname -s)

stop() {
  for p in slurmd slurmctld munged; do
    if [ -f "$DIR/$p.pid" ]; then
      pid=$(cat "$DIR/$p.pid")
      kill "$pid" 2>/dev/null || true
      # Wait for it to go: the next test run may reuse the folder.
      for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      rm -f "$DIR/$p.pid"
    fi
  done
}

if [ "$cmd" = stop ]; then
  stop
  exit 0
fi

mkdir -p "$DIR/state" "$DIR/spool" "$DIR/munge"
chmod 700 "$DIR/munge"
dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$DIR/munge/munge.key"
munged --force --key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.socket" \
  --pid-file="$DIR/munged.pid" --seed-file="$DIR/munge/munge.seed" --log-file="$DIR/munge/munged.log"

# Ports of our own, so a system SLURM (if any) is left alone.
PORT=$((20000 + RANDOM % 20000))
cat > "$SLURM_CONF" <<CONF
ClusterName=nessbat-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
DependencyParameters=kill_invalid_depend
ReturnToService=2
MpiDefault=none
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld
slurmd -N "$HOST"
for _ in $(seq 1 100); do
  if sinfo -h -o '%T' 2>/dev/null | grep -q idle; then
    exit 0
  fi
  sleep 0.2
done
echo "slurm node did not come up; logs in $DIR" >&2
stop
exit 1
