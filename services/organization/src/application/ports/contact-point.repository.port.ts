import type { ContactPoint } from '../../domain/contact-point/contact-point.aggregate';

export const CONTACT_POINT_REPOSITORY = Symbol('ContactPointRepository');

export interface ContactPointRepository {
  findById(id: string): Promise<ContactPoint | null>;
  save(contactPoint: ContactPoint): Promise<void>;
}
