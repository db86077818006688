//! People, roles, guardians and the facts the policy needs.

use access::{Access, Basis, Denied, authorize_student};
use records::NationalStudentId;
use store::Error;
use store::people::{self, PeopleFilter, Source};
use test_support::store_test;

use crate::fixtures::{self, NOW, oid, person, pid, today};

store_test!(facts_give_each_relationship_its_access, |db| {
    let store = db.open().await;
    fixtures::school(&store).await;
    let mut c = store.read().await.unwrap();
    let facts = store::facts::student_facts(&mut c, &pid("s1"), today()).await.unwrap();
    assert_eq!(facts.orgs, vec![oid("school"), oid("county")]);
    assert_eq!(facts.teachers, vec![pid("t1")]);
    assert_eq!(facts.guardians, vec![pid("g1")]);
    let decide = async |who: &str, facts: &access::StudentFacts| {
        let mut c = store.read().await.unwrap();
        let principal = store::facts::principal(&mut c, &pid(who), today()).await.unwrap();
        authorize_student(&principal, Access::Read, facts, NOW)
    };
    assert_eq!(decide("t1", &facts).await, Ok(Basis::Teacher));
    assert_eq!(decide("t2", &facts).await, Err(Denied::NotRelated));
    assert_eq!(decide("g1", &facts).await, Ok(Basis::Guardian));
    assert_eq!(decide("s2", &facts).await, Err(Denied::NotRelated));
    assert_eq!(decide("c1", &facts).await, Err(Denied::AggregateOnly));
    assert!(matches!(decide("a1", &facts).await, Ok(Basis::Admin { .. })));
    let nobody = store::facts::student_facts(&mut c, &pid("ghost"), today()).await.unwrap();
    assert_eq!(nobody.student, None);
});

store_test!(usernames_and_national_ids_are_unique_among_the_living, |db| {
    let store = db.open().await;
    fixtures::school(&store).await;
    let mut tx = store.write().await.unwrap();
    let mut dup = person("s9", "周", "明", Some("s1"));
    dup.sourced_id = "src-s9".into();
    assert!(matches!(people::insert(&mut tx, &dup, Source::Local, NOW).await, Err(Error::Conflict(_))));
    tx.rollback().await.unwrap();

    let nsid = NationalStudentId::parse("G11010519491231002X").unwrap();
    let mut tx = store.write().await.unwrap();
    people::set_national_student_id(&mut tx, &pid("s1"), Some(&nsid), NOW).await.unwrap();
    assert!(matches!(
        people::set_national_student_id(&mut tx, &pid("s2"), Some(&nsid), NOW).await,
        Err(Error::Conflict(_))
    ));
    tx.rollback().await.unwrap();

    // A deleted person's username can be given to someone new.
    let mut tx = store.write().await.unwrap();
    assert!(people::soft_delete(&mut tx, &pid("s2"), NOW).await.unwrap());
    let mut reuse = person("s9", "周", "明", Some("s2"));
    reuse.sourced_id = "src-s9".into();
    people::insert(&mut tx, &reuse, Source::Local, NOW).await.unwrap();
    tx.commit().await.unwrap();
    let mut c = store.read().await.unwrap();
    assert_eq!(people::credentials(&mut c, "s2").await.unwrap().unwrap().person, pid("s9"));
    assert!(people::get(&mut c, &pid("s2")).await.unwrap().is_none());
});

store_test!(people_are_listed_by_role_and_found_by_name, |db| {
    let store = db.open().await;
    fixtures::school(&store).await;
    let mut c = store.read().await.unwrap();
    let filter = PeopleFilter { org: Some(oid("school")), role: Some(records::Role::Student), search: None };
    let first = people::list(&mut c, &filter, &base::PageRequest::new(Some(2), None)).await.unwrap();
    assert_eq!(first.items.len(), 2);
    let rest = people::list(&mut c, &filter, &base::PageRequest::new(Some(2), first.next.clone())).await.unwrap();
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.next, None);
    let filter = PeopleFilter { search: Some("王芳".into()), ..PeopleFilter::default() };
    let found = people::list(&mut c, &filter, &base::PageRequest::first()).await.unwrap();
    assert_eq!(found.items.iter().map(|p| p.id.to_string()).collect::<Vec<_>>(), ["s1"]);
    let filter = PeopleFilter { search: Some("%".into()), ..PeopleFilter::default() };
    assert!(people::list(&mut c, &filter, &base::PageRequest::first()).await.unwrap().items.is_empty(), "% is literal");
    let children = people::children_of(&mut c, &pid("g1")).await.unwrap();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].0.display_name(), "王芳");
});
