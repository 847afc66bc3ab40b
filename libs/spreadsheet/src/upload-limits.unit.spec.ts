import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateUploadDir, UploadDirNotPrivateError } from './upload-limits';

describe(privateUploadDir.name, () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'upload-dir-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('WhenTheDirectoryIsMissing_CreatesItClosedToEveryoneElse', async () => {
    const dir = join(root, 'a', 'uploads');
    await privateUploadDir(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    // Its own directory again: nothing to refuse.
    await privateUploadDir(dir);
  });

  it('WhenSomeoneElsePreparedTheDirectory_RefusesIt_NamingWhy', async () => {
    const open = join(root, 'open');
    await mkdir(open);
    await chmod(open, 0o777);
    await expect(privateUploadDir(open)).rejects.toThrow(
      new UploadDirNotPrivateError(
        `upload directory ${open} is open to group or others (mode 777): set <SERVICE>_UPLOAD_DIR to a private one`,
      ),
    );

    const mine = join(root, 'mine');
    await mkdir(mine, { mode: 0o700 });
    const link = join(root, 'link');
    await symlink(mine, link);
    await expect(privateUploadDir(link)).rejects.toThrow(/is not a directory \(a link or a file\)/);

    const owner = (await stat(mine)).uid;
    await expect(privateUploadDir(mine, owner + 1)).rejects.toThrow(`belongs to uid ${owner}, not this process's ${owner + 1}`);

    const file = join(root, 'file');
    await writeFile(file, '');
    await expect(privateUploadDir(file)).rejects.toThrow();
  });
});
