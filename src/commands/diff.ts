/** `pcx diff <a> <b>`: what changed between two proxies, without noise. */
import type { RegisterCommands } from './register.js';

export const registerDiffCommand: RegisterCommands = (y) => y;
