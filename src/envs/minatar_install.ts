// How a user gets @prunerl/minatar today. It is not on the npm registry yet, so `npm install @prunerl/minatar`
// fails; packing the workspace from a prunerl checkout works, in the checkout and in any other project.
export const MINATAR_PACKAGE = '@prunerl/minatar';

/** Shown as: run `<this>`. */
export const minatarInstallCommand =
  'npm pack -w packages/minatar` in a prunerl checkout, then `npm install <that checkout>/prunerl-minatar-0.1.0.tgz';
