export { buildProgram, runCli } from './cli/program.js';
export { createContainer, TOKENS, type Output } from './container.js';
