// Preloaded (`--import`) into a server process by a crash test: a request carrying the header
// `x-test-die-before-answer` kills the process the moment its handler sends the answer, that is
// after the work's transaction committed and before anything is sent or stored after it.
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
const Reply = require('fastify/lib/reply.js');
const send = Reply.prototype.send;
Reply.prototype.send = function (payload) {
  if (this.request.headers['x-test-die-before-answer'] && this.statusCode < 300) process.kill(process.pid, 'SIGKILL');
  return send.call(this, payload);
};
