// Runs the local API in a process of its own (for the SIGKILL test in
// test/e2e/local-api-faults.test.ts): prints one JSON line { port, guard } once it is up,
// then waits to be killed.
import { startLocalApi } from '../../scripts/lib/local-api.ts';

const [port, persistDir] = process.argv.slice(2);
const stack = await startLocalApi({ port: Number(port), persistDir });
console.log(JSON.stringify({ port: Number(port), guard: stack.child.pid }));
setInterval(() => {}, 60_000);
