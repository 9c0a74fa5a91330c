//! The documentation lists every setting the server reads.

use clap::CommandFactory;

fn documented(file: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap()
}

#[test]
fn every_environment_variable_is_in_the_readme_and_env_example() {
    let readme = documented("README.md");
    let env_example = documented(".env.example");
    let variables: Vec<String> = okrs::cli::Cli::command()
        .get_arguments()
        .filter_map(|arg| arg.get_env())
        .map(|env| env.to_string_lossy().into_owned())
        .collect();
    assert!(variables.len() >= 15, "{variables:?}");
    for variable in variables {
        assert!(
            readme.contains(&format!("| `{variable}` |")),
            "README's table lacks {variable}"
        );
        assert!(
            env_example.contains(&format!("{variable}=")),
            ".env.example lacks {variable}"
        );
    }
}

/// The README's GraphQL examples, with their operation names.
fn readme_examples() -> Vec<(String, String)> {
    let readme = documented("README.md");
    readme
        .split("```graphql\n")
        .skip(1)
        .map(|rest| {
            let block = rest.split("```").next().unwrap().to_owned();
            let name = block
                .lines()
                .find_map(|line| {
                    let line = line.trim_start();
                    ["query ", "mutation "]
                        .iter()
                        .find_map(|kind| line.strip_prefix(kind))
                })
                .map(|rest| {
                    rest.split(|c: char| !c.is_alphanumeric())
                        .next()
                        .unwrap()
                        .to_owned()
                })
                .unwrap_or_default();
            (name, block)
        })
        .collect()
}

backend_test! {
    async fn the_readme_examples_run_as_written_against_the_demo_data(app) {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let demo = app.with_config(|c| {
            c.seed_demo = okrs::config::SeedDemo::Always;
            c.expose_sql_statement_count = true;
            // The first example reads the signed-in user; the later ones reuse it.
            c.signed_in_user_ttl_ms = 600_000;
        }).await;
        let admin = entity::user::Entity::find()
            .filter(entity::user::Column::UserName.eq(okrs::fixtures::demo::ADMIN_USER_NAME))
            .one(&demo.db).await.unwrap().unwrap();
        let token = demo.token_for(&admin.id);
        let readme = documented("README.md");
        let examples = readme_examples();
        let names: Vec<&str> = examples.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["Me", "LowScores", "OkrPage", "CreateObjective", "CheckIn", "NodeLookup"], "every example is named");
        for (name, query) in &examples {
            let variables = match query.split_once("Variables: ") {
                Some((_, rest)) => serde_json::from_str(&rest[..=rest.find('}').unwrap()]).unwrap(),
                None => serde_json::json!({}),
            };
            let (status, body) = demo.graphql(query, variables, Some(&token)).await;
            assert!(status == 200 && body.get("errors").is_none(), "{name}: {body}");
            match name.as_str() {
                "Me" => assert_eq!(body["data"]["me"]["userName"], okrs::fixtures::demo::ADMIN_USER_NAME),
                "OkrPage" => {
                    assert!(!body["data"]["userBySlug"]["okrs"]["nodes"].as_array().unwrap().is_empty(), "{body}");
                    let stated = readme.split("the OKR page above takes ").nth(1).unwrap().split(' ').next().unwrap();
                    assert_eq!(body["extensions"]["sqlStatements"].to_string(), stated, "the README's count");
                }
                "CreateObjective" => {
                    let stated = readme.split("`userErrors` is `").nth(1).unwrap().split('`').next().unwrap();
                    let stated: serde_json::Value = serde_json::from_str(stated).unwrap();
                    assert_eq!(body["data"]["createObjective"]["userErrors"], stated);
                }
                "CheckIn" => assert_eq!(body["data"]["checkInKeyResult"]["userErrors"], serde_json::json!([])),
                "NodeLookup" => assert_eq!(body["data"]["node"]["id"], "1", "{body}"),
                _ => assert!(body["data"].is_object(), "{name}: {body}"),
            }
        }
    }
}
