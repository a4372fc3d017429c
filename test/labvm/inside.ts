// How a lab VM test runs its inside-*.ts in the VM (after `../shared/lab-vm/run … --`): node with tsx, under
// the react-server condition, so the `server-only` marker of the server modules they import resolves to its
// empty module instead of throwing (shared/README.md).
export const insideNode = (script: string): string[] => [
  'node',
  '--conditions=react-server',
  '--import',
  'tsx',
  `test/labvm/${script}`,
];
