/** `span-lens run`. TODO: implement. */
export async function runCommand(_args: string[]): Promise<number> {
  process.stderr.write('span-lens run: not implemented yet\n');
  return 2;
}
