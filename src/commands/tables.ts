/** `pcx listeners|routes|clusters|endpoints|secrets|bootstrap|all <source>`: istioctl-compatible tables. */
import type { RegisterCommands } from './register.js';

export const registerTableCommands: RegisterCommands = (y) => y;
